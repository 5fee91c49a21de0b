package org.cybexp.input.api;

import java.io.Closeable;
import java.io.InputStream;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The answer to an {@link HttpRequest}. Close it (try-with-resources) to return the connection to the pool.
 *
 * <p>What the container's client did before handing it over: it followed redirects (301, 302, 303, 307, 308,
 * at most 50, none in a circle; a {@code file:} URL never redirects), asked for compressed answers ({@code gzip},
 * {@code deflate}) and decompresses the body as it is read (an unknown {@code Content-Encoding} fails the read
 * with an {@code IOException}), and read nothing of the body yet: the body is a stream with no
 * size limit, so a plugin bounds what it reads (records, line lengths). A {@code file:} URL is read from disk,
 * with a media type guessed from the file's extension.
 *
 * @since 1.0
 */
@ProviderType
public interface HttpResult extends Closeable {

    /**
     * The HTTP status code: a 2xx, or 304 for a conditional request whose resource did not change. Other
     * statuses never arrive here: {@link HttpAccess#send} throws {@link HttpStatusException} for them.
     *
     * @return the status code; 200 (or 304) for a {@code file:} URL
     */
    int status();

    /** True for a 304 answer to a conditional request: nothing changed since the last fetch. */
    default boolean notModified() {
        return status() == 304;
    }

    /**
     * The first value of a header, if present.
     *
     * @param name the header's name, in any case
     * @return its first value
     */
    Optional<String> header(String name);

    /**
     * The media type without parameters, e.g. {@code text/plain}.
     *
     * @return the type in lower case; empty if the server sent none, or one that does not parse
     */
    Optional<String> mediaType();

    /**
     * The media type with its parameters as the server sent it, e.g. {@code text/plain; charset=ISO-8859-1}:
     * read the charset of a text body here.
     *
     * @return the {@code Content-Type} value; empty if the server sent none
     * @since 1.2
     */
    default Optional<String> contentType() {
        return header("Content-Type").filter(value -> !value.isBlank());
    }

    /**
     * The body as a stream, decompressed; read it before closing this result.
     *
     * @return the body; empty for a 304
     */
    InputStream body();
}
