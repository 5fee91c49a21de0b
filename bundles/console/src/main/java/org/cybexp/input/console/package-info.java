/** The web console's CYBEX-P page, its inventory printer and the metrics endpoint: private, nothing exported. */
package org.cybexp.input.console;
