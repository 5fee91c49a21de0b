package org.cybexp.input.core.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import org.cybexp.input.api.HttpResult;
import org.cybexp.input.core.fetch.FetchResources;

/** The answer for a {@code file:} URL: 200 with the file's content, or 304 when it did not change. */
final class FileHttpResult implements HttpResult {

    private final int status;
    private final String mediaType;
    private final String etag;
    private final InputStream body;
    private final FetchResources resources;

    FileHttpResult(int status, String mediaType, String etag, InputStream body, FetchResources resources) {
        this.status = status;
        this.mediaType = mediaType;
        this.etag = etag;
        this.body = body;
        this.resources = resources;
        resources.register(this);
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public Optional<String> header(String name) {
        return "ETag".equalsIgnoreCase(name) ? Optional.of(etag) : Optional.empty();
    }

    @Override
    public Optional<String> mediaType() {
        return Optional.of(mediaType);
    }

    @Override
    public Optional<String> contentType() {
        return Optional.of(mediaType);
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public void close() throws IOException {
        resources.unregister(this);
        body.close();
    }
}
