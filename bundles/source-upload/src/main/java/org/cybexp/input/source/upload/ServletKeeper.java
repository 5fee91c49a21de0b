package org.cybexp.input.source.upload;

import java.util.function.Consumer;
import java.util.function.Supplier;

import org.cybexp.input.source.upload.ServletWhiteboard.Publication;
import org.cybexp.input.source.upload.ServletWhiteboard.Served;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the upload servlet on the web server and says in status whether it is served. A web server that runs
 * but does not list the servlet for a few checks gets it published again: Felix HTTP 1.1.8 can lose a servlet
 * registered while it restarts (FELIX-6828), as it does when etc/org.apache.felix.http.cfg is edited.
 */
final class ServletKeeper {

    /** Checks in a row a running web server may leave the servlet out before it is published again. */
    static final int MISSES_BEFORE_REPUBLISH = 3;

    private static final Logger LOG = LoggerFactory.getLogger(ServletKeeper.class);

    private final String input;
    private final String path;
    private final Supplier<Publication> publish;
    private final Consumer<String> progress;
    private Publication publication;
    private int misses;

    ServletKeeper(String input, String path, Supplier<Publication> publish, Consumer<String> progress) {
        this.input = input;
        this.path = path;
        this.publish = publish;
        this.progress = progress;
        this.publication = publish.get();
    }

    /** One check: says where the servlet stands, publishes it again when a running server lost it. */
    void check() {
        Served served = publication.served();
        switch (served) {
            case SERVED -> {
                misses = 0;
                progress.accept("serving " + path + publication.endpoint().map(e -> " at " + e).orElse(""));
            }
            case NO_WEB_SERVER -> {
                misses = 0;
                progress.accept("waiting for the web server: etc/org.apache.felix.http.cfg is missing, or its"
                        + " address is taken (see the log)");
            }
            case NOT_LISTED -> {
                progress.accept("waiting for the web server to serve " + path);
                if (++misses >= MISSES_BEFORE_REPUBLISH) {
                    LOG.warn("input '{}': the web server does not serve {}; publishing it again", input, path);
                    publication.unpublish();
                    publication = publish.get();
                    misses = 0;
                }
            }
        }
    }

    void close() {
        publication.unpublish();
    }
}
