package org.cybexp.input.core.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.core.fetch.FetchResources;

/** An answer of the shared client; closing it returns (or drops) the connection and unregisters its abort. */
final class ApacheHttpResult implements HttpResult {

    private final ClassicHttpResponse response;
    private final FetchResources resources;
    private final Closeable abort;

    ApacheHttpResult(ClassicHttpResponse response, FetchResources resources, Closeable abort) {
        this.response = response;
        this.resources = resources;
        this.abort = abort;
    }

    @Override
    public int status() {
        return response.getCode();
    }

    @Override
    public Optional<String> header(String name) {
        Header header = response.getFirstHeader(name);
        return header == null ? Optional.empty() : Optional.ofNullable(header.getValue());
    }

    @Override
    public Optional<String> mediaType() {
        return header("Content-Type").map(value -> {
            try {
                return ContentType.parse(value).getMimeType();
            } catch (RuntimeException e) {
                return null;
            }
        }).filter(type -> !type.isEmpty());
    }

    @Override
    public InputStream body() {
        HttpEntity entity = response.getEntity();
        try {
            return entity == null ? InputStream.nullInputStream() : entity.getContent();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        resources.unregister(abort);
        response.close();
    }
}
