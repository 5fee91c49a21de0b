package org.cybexp.input.source.syslog;

/** One RELP frame: {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}. */
record RelpFrame(long txnr, String command, byte[] data) {
}
