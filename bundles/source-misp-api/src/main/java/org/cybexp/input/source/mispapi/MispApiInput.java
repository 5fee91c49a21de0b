package org.cybexp.input.source.mispapi;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.Secret;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.source.misp.MispElement;
import org.cybexp.input.source.misp.MispEvent;
import org.cybexp.input.source.misp.MispEventStream;
import org.cybexp.input.source.misp.MispFormatException;

/**
 * One configured MISP API input. Each poll asks {@code /events/restSearch} for the events changed since the
 * cursor ({@code timestamp >= cursor}), page by page with the same cursor, once per configured org, and emits
 * each event deduplicated on (uuid, timestamp): the boundary event that comes back is dropped, a changed event
 * is posted again.
 *
 * <p>The cursor of a query (state {@code misp.cursor[.<org>]}) moves to the largest {@code Event.timestamp}
 * delivered, only after the whole query went through and its events are stored. It never moves past the
 * server's time when the query started (from its {@code Date} header): pages are not ordered by timestamp, so an
 * event changed during a long poll may sit on a page already read, and must come back in the next poll.
 */
final class MispApiInput implements SourceInput {

    static final String CURSOR = "misp.cursor";

    private final URI endpoint;
    private final Secret key;
    private final List<String> orgs;
    private final RestSearchQuery query;
    private final Lookback lookback;
    private final long maxEventBytes;

    MispApiInput(URI endpoint, Secret key, List<String> orgs, RestSearchQuery query, Lookback lookback,
            long maxEventBytes) {
        this.endpoint = endpoint;
        this.key = key;
        this.orgs = orgs;
        this.query = query;
        this.lookback = lookback;
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public void fetch(FetchContext ctx) throws IOException, SourceException {
        PollTally tally = new PollTally();
        for (String org : orgs) {
            if (ctx.stopRequested()) {
                break;
            }
            poll(ctx, org, tally);
        }
        ctx.progress(tally.summary());
    }

    /** One query: every page from the same cursor, then the cursor moves. */
    private void poll(FetchContext ctx, String org, PollTally tally) throws IOException, SourceException {
        String cursorKey = cursorKey(org);
        long from = cursor(ctx, cursorKey);
        long maxTimestamp = -1;
        OptionalLong serverStart = OptionalLong.empty();
        String previousFirst = null;
        for (int page = 1;; page++) {
            Page answer = readPage(ctx, org, page, from, previousFirst, tally);
            ctx.checkpoint();
            tally.pages++;
            if (page == 1) {
                serverStart = answer.serverStart;
            }
            maxTimestamp = Math.max(maxTimestamp, answer.maxTimestamp);
            if (answer.last(query.limit(), page)) {
                break;
            }
            if (ctx.stopRequested()) {
                return; // the cursor stays: the next poll repeats this query, stored events are dropped then
            }
            previousFirst = answer.firstKey;
            ctx.progress(where(org, page) + ": " + tally.events + " events so far");
        }
        if (maxTimestamp >= 0) {
            long next = Math.min(maxTimestamp, serverStart.orElse(Long.MAX_VALUE));
            ctx.state().put(cursorKey, Long.toString(next));
            ctx.checkpoint();
        } else if (ctx.state().get(cursorKey).isEmpty()) {
            // Nothing yet: anchor the look-back, so that later polls do not slide past events made meanwhile.
            ctx.state().put(cursorKey, Long.toString(from));
            ctx.checkpoint();
        }
    }

    static String cursorKey(String org) {
        return org.isEmpty() ? CURSOR : CURSOR + "." + org;
    }

    private long cursor(FetchContext ctx, String cursorKey) {
        Optional<String> saved = ctx.state().get(cursorKey);
        if (saved.isPresent()) {
            try {
                return Long.parseLong(saved.get().strip());
            } catch (NumberFormatException e) {
                // A hand-edited state: start over from the look-back; dedup keeps posted events from repeating.
            }
        }
        return lookback.from(ctx.clock());
    }

    /** Sends one page's request and emits its events as they stream in. */
    private Page readPage(FetchContext ctx, String org, int page, long from, String previousFirst,
            PollTally tally) throws IOException, SourceException {
        HttpRequest request = HttpRequest.post(endpoint, query.body(org, page, from), "application/json")
                .header("Accept", "application/json")
                .header("Authorization", key.reveal());
        Clock clock = ctx.clock();
        Instant sent = clock.instant();
        try (HttpResult answer = ctx.http().send(request)) {
            ctx.closeOnStop(answer);
            if (answer.mediaType().filter(MispApiInput::isHtml).isPresent()) {
                throw new MispFormatException("an HTML page, not MISP JSON");
            }
            Page result = new Page();
            result.total = answer.header("X-Result-Count").flatMap(MispApiInput::parseCount);
            result.serverStart = serverStart(answer.header("Date"), Duration.between(sent, clock.instant()));
            try (MispEventStream events = MispEventStream.open(answer.body(), maxEventBytes)) {
                MispElement element;
                while ((element = events.next()) != null) {
                    result.elements++;
                    if (element instanceof MispEvent event) {
                        emit(ctx, event, result, previousFirst, org, page, tally);
                    } else if (element instanceof MispElement.Malformed bad) {
                        tally.malformed++;
                        ctx.malformed(where(org, page) + ": " + bad.reason(), bad.sample());
                    } else if (element instanceof MispElement.TooLarge large) {
                        // Skipped for good: the cursor moves past it, so the events after it are not held up.
                        tally.malformed++;
                        result.maxTimestamp = Math.max(result.maxTimestamp, large.timestamp());
                        ctx.malformed(where(org, page) + ": " + large.reason(), large.sample());
                    }
                }
            }
            return result;
        } catch (HttpStatusException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new SourceException("MISP rejected the API key (HTTP " + e.status() + " for " + request
                        + "): check api_key, and that its user may use the API");
            }
            throw e;
        } catch (MispFormatException e) {
            throw new SourceException("MISP's answer to " + where(org, page) + " is not an event list: "
                    + key.mask(e.getMessage()));
        } catch (IOException e) {
            throw withoutKey(e);
        }
    }

    private static void emit(FetchContext ctx, MispEvent event, Page page, String previousFirst, String org,
            int pageNumber, PollTally tally) throws SourceException {
        String dedupKey = event.dedupKey();
        if (page.firstKey == null) {
            if (dedupKey.equals(previousFirst)) {
                throw new SourceException("MISP sent the same events for " + where(org, pageNumber)
                        + " as for the page before: it ignores 'page' (does a proxy drop the JSON body or its "
                        + "Content-Type?)");
            }
            page.firstKey = dedupKey;
        }
        page.maxTimestamp = Math.max(page.maxTimestamp, event.timestamp());
        tally.events++;
        if (event.repaired()) {
            tally.repaired++;
        }
        if (!ctx.seen(dedupKey)) {
            tally.fresh++;
        }
        ctx.emit(event.toEvent());
    }

    /**
     * The server's time when it started the query, a lower bound: its {@code Date} header minus the time the
     * answer took, minus the header's one-second granularity.
     */
    static OptionalLong serverStart(Optional<String> dateHeader, Duration latency) {
        if (dateHeader.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            ZonedDateTime date = ZonedDateTime.parse(dateHeader.get().strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
            return OptionalLong.of(date.toEpochSecond() - Math.max(0, latency.toSeconds()) - 1);
        } catch (DateTimeParseException e) {
            return OptionalLong.empty();
        }
    }

    private static Optional<Long> parseCount(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isHtml(String mediaType) {
        String type = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("text/html") || type.equals("application/xhtml+xml");
    }

    private static String where(String org, int page) {
        return "page " + page + (org.isEmpty() ? "" : " of org " + org);
    }

    /**
     * The failure as is, unless the key shows up in its messages (a client library quoting a header): then a
     * copy with the key masked and without the causes, which would be logged with their messages.
     */
    private IOException withoutKey(IOException e) {
        if (key.isEmpty()) {
            return e;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(key.reveal())) {
                return new IOException(key.mask(e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }
        return e;
    }

    @Override
    public String toString() {
        return "MispApiInput[" + endpoint + "]";
    }

    /** What one page held. */
    private static final class Page {
        int elements;
        long maxTimestamp = -1;
        String firstKey;
        Optional<Long> total = Optional.empty();
        OptionalLong serverStart = OptionalLong.empty();

        /** Fewer (or, if the server ignores limit, more) than a full page, or as many as the server counted. */
        boolean last(int limit, int page) {
            return elements != limit || total.filter(count -> (long) page * limit >= count).isPresent();
        }
    }

    /** Counts of one poll, for the status line. */
    private static final class PollTally {
        int pages;
        int events;
        int fresh;
        int malformed;
        int repaired;

        String summary() {
            return events + (events == 1 ? " event, " : " events, ") + fresh + " new"
                    + (malformed == 0 ? "" : ", " + malformed + " malformed")
                    + (repaired == 0 ? "" : ", " + repaired + " with invalid UTF-8 replaced")
                    + " (" + pages + (pages == 1 ? " page)" : " pages)");
        }
    }
}
