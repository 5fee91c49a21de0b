package org.cybexp.input.source.phishtank;

import java.io.IOException;

/**
 * A failure while reading a dump, tagged with the layer it came from so that the user is told whether the
 * network, the compressed data or the size cap was at fault. An {@link IOException} so that it passes unchanged
 * through the decompressor and the JSON parser that sit above the layer that threw it.
 */
final class DumpStreamException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Where the failure came from. */
    enum Reason {
        /** Reading the download itself failed (connection reset, timeout, short body). */
        DOWNLOAD,
        /** The compressed data is truncated or corrupt. */
        CORRUPT,
        /** The dump grew past {@code max_decompressed_bytes}. */
        TOO_LARGE
    }

    private final Reason reason;

    DumpStreamException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
