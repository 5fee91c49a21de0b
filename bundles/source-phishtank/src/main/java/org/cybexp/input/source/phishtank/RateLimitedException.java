package org.cybexp.input.source.phishtank;

import org.cybexp.input.api.SourceException;

/**
 * The body is PhishTank's rate-limit answer ("You have exceeded the request rate limit for this method"), served
 * with a success status or saved under the dump's name. The input turns it into a wait.
 */
final class RateLimitedException extends SourceException {
    private static final long serialVersionUID = 1L;

    RateLimitedException() {
        super("PhishTank answered that the request rate limit is exceeded");
    }
}
