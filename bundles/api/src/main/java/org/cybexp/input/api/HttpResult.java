package org.cybexp.input.api;

import java.io.Closeable;
import java.io.InputStream;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The answer to an {@link HttpRequest}. Close it (try-with-resources) to return the connection to the pool. */
@ProviderType
public interface HttpResult extends Closeable {

    int status();

    /** True for a 304 answer to a conditional request: nothing changed since the last fetch. */
    default boolean notModified() {
        return status() == 304;
    }

    /** The first value of a header, if present. */
    Optional<String> header(String name);

    /** The media type without parameters, e.g. {@code text/plain}; empty if the server sent none. */
    Optional<String> mediaType();

    /** The body as a stream; empty for a 304. */
    InputStream body();
}
