package org.cybexp.input.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Function;

import org.cybexp.input.api.HttpResult;

/** An answer of {@link LoopbackHttpAccess}; open until closed or until the call's resources are closed. */
final class TestHttpResult implements HttpResult {

    private final int status;
    private final Function<String, Optional<String>> headers;
    private final Optional<String> mediaType;
    private final InputStream body;
    private final CallResources resources;

    TestHttpResult(int status, Function<String, Optional<String>> headers, Optional<String> mediaType,
            InputStream body, CallResources resources) {
        this.status = status;
        this.headers = headers;
        this.mediaType = mediaType;
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
        return headers.apply(name);
    }

    @Override
    public Optional<String> mediaType() {
        return mediaType;
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
