package org.cybexp.input.source.openphish;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.Secret;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.StopRequestedException;

/**
 * One configured OpenPhish input: each poll downloads the whole current feed (conditionally, so an unchanged
 * feed costs a 304) and emits one {@code text/plain} event holding only the URLs this input never posted,
 * one per line. URLs that left the feed are not reported: CYBEX-P records sightings, not removals.
 */
final class OpenPhishInput implements SourceInput {

    static final String MEDIA_TYPE = "text/plain";

    private final URI feedUri;
    private final FeedParser parser;

    OpenPhishInput(URI feedUri, FeedParser parser) {
        this.feedUri = feedUri;
        this.parser = parser;
    }

    @Override
    public void fetch(FetchContext ctx) throws IOException, SourceException {
        try (HttpResult answer = ctx.http().send(request())) {
            if (answer.notModified()) {
                ctx.progress("feed not modified since the last fetch");
                return;
            }
            ctx.closeOnStop(answer);
            if (answer.mediaType().filter(OpenPhishInput::isHtml).isPresent()) {
                throw new SourceException(FeedParser.HTML_PAGE);
            }
            FeedParser.Feed feed = parser.parse(answer.body(), listener(ctx));
            if (!feed.complete()) {
                // Thrown rather than returned: a normal return would commit the new ETag without the URLs.
                throw new StopRequestedException();
            }
            emitNew(ctx, feed);
        }
    }

    /** Emits the URLs not seen before as one event; an empty feed is reported, never taken as "all removed". */
    private static void emitNew(FetchContext ctx, FeedParser.Feed feed) {
        if (feed.urls().isEmpty()) {
            ctx.progress(feed.malformed() == 0 ? "feed was empty"
                    : "feed held no URLs, " + feed.malformed() + " malformed lines");
            return;
        }
        List<String> fresh = feed.urls().stream().filter(url -> !ctx.seen(url)).toList();
        if (!fresh.isEmpty()) {
            StringBuilder body = new StringBuilder();
            fresh.forEach(url -> body.append(url).append('\n'));
            ctx.emit(Event.of(body.toString().getBytes(StandardCharsets.UTF_8), MEDIA_TYPE).withDedupKeys(fresh));
        }
        ctx.progress(feed.urls().size() + " urls, " + fresh.size() + " new"
                + (feed.malformed() == 0 ? "" : ", " + feed.malformed() + " malformed"));
    }

    private static FeedParser.Listener listener(FetchContext ctx) {
        return new FeedParser.Listener() {
            @Override
            public void malformed(String reason, byte[] sample) {
                ctx.malformed(reason, sample);
            }

            @Override
            public boolean stopNow() {
                return ctx.stopNow();
            }
        };
    }

    private static boolean isHtml(String mediaType) {
        // The SPI strips parameters already; done again so that "text/html; charset=..." can never slip through.
        String type = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("text/html") || type.equals("application/xhtml+xml");
    }

    /**
     * The feed's request. A mirror's token in the query is named as the URL's secret, so that the container's
     * HTTP access masks it in every error, log line and status, as it masks user info.
     */
    HttpRequest request() {
        String query = feedUri.getRawQuery();
        HttpRequest get = HttpRequest.get(feedUri).conditional();
        return query == null || query.isEmpty() ? get : get.secretInUri(Secret.of(query));
    }

    @Override
    public String toString() {
        return "OpenPhishInput[" + request().displayUri() + "]";
    }
}
