package org.cybexp.input.source.phishtank;

import java.net.URI;

import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.Secret;

/**
 * A PhishTank input's checked settings.
 *
 * @param dumpUri the dump's URL, the app key already in it (print {@link #displayUri()} only)
 * @param appKey the app key, empty when none; masked wherever text may leak
 * @param format the expected format of the dump
 * @param userAgent the User-Agent header sent with the download
 * @param maxDecompressedBytes the largest accepted dump after decompression
 */
record PhishTankSettings(URI dumpUri, Secret appKey, DumpFormat format, String userAgent,
        long maxDecompressedBytes) {

    /** The download request: conditional (ETag / Last-Modified), with the key named so the core masks it. */
    HttpRequest request() {
        return HttpRequest.get(dumpUri).conditional().secretInUri(appKey).header("User-Agent", userAgent);
    }

    /** The URL safe to print. */
    String displayUri() {
        return request().displayUri();
    }

    /** A text with the app key masked, for messages built from other libraries' exception messages. */
    String mask(String text) {
        return appKey.mask(text);
    }

    @Override
    public String toString() {
        return "PhishTankSettings[" + displayUri() + ", " + format + ", max " + maxDecompressedBytes + " bytes]";
    }
}
