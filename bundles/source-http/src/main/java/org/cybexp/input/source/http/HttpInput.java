package org.cybexp.input.source.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One configured HTTP input. A poll fixes its window (lower bound, start time) in the state before its first
 * page; each page's records are emitted, then the next page's position is staged and the page checkpointed, so
 * the cursor never runs ahead of the data: a failed page, a crash or a stop resumes at the first page not
 * stored, with the same window. The last page commits the next poll's bound with its records.
 */
final class HttpInput implements SourceInput {

    private final RequestTemplate template;
    private final RecordReader reader;
    private final Paging paging;
    private final IncrementalWindow window;
    private final Credentials credentials;
    private final int maxPages;

    HttpInput(RequestTemplate template, RecordReader reader, Paging paging, IncrementalWindow window,
            Credentials credentials, int maxPages) {
        this.template = template;
        this.reader = reader;
        this.paging = paging;
        this.window = window;
        this.credentials = credentials;
        this.maxPages = maxPages;
    }

    @Override
    public void fetch(FetchContext ctx) throws IOException, SourceException {
        PollState poll = PollState.read(ctx.state()).orElse(null);
        boolean resumed = poll != null;
        if (poll == null) {
            Instant since = PollState.committedSince(ctx.state()).orElseGet(() -> window.initialSince(ctx.clock()));
            poll = new PollState(since, ctx.clock().instant(), paging.first(), 0, 0, null);
            poll.save(ctx.state());
            ctx.checkpoint(); // the window is fixed before the first page
        }
        Tally tally = new Tally(resumed);
        String previousFirst = null;
        for (int pagesThisFetch = 0; pagesThisFetch < maxPages; pagesThisFetch++) {
            if (ctx.stopRequested()) {
                ctx.progress(tally.summary() + "; stopped, the next fetch resumes at page " + (poll.pages() + 1));
                return;
            }
            PageRead page = readPage(ctx, poll);
            Optional<String> first = page.records.records().stream().findFirst().flatMap(reader::key);
            if (first.isPresent() && first.equals(Optional.ofNullable(previousFirst))
                    && paging.mode() != Paging.Mode.NONE) {
                throw new SourceException("page " + (poll.pages() + 1) + " starts with the same record as the page "
                        + "before: does the API ignore " + paging.mode().name().toLowerCase(Locale.ROOT) + " paging?");
            }
            previousFirst = first.orElse(null);
            Instant largest = emit(ctx, page.records, poll.pages() + 1, tally);
            Paging.Step step = paging.next(poll.next(), page.request.uri(), template.url(), page.records, page.link);
            if (step.next().isEmpty()) {
                finish(ctx, poll.after(poll.next(), page.records.elements(), largest));
                ctx.progress(tally.summary() + "; poll complete" + (step.end().isEmpty() ? "" : " (" + step.end() + ")"));
                return;
            }
            poll = poll.after(step.next().get(), page.records.elements(), largest);
            poll.save(ctx.state());
            ctx.checkpoint();
            ctx.progress(tally.summary() + "; reading page " + (poll.pages() + 1));
            if (page.exhausted) {
                throw new HttpStatusException("the API's rate limit is used up after page " + poll.pages()
                        + "; the next fetch resumes at page " + (poll.pages() + 1), 429, page.resetWait.orElse(null));
            }
        }
        ctx.progress(tally.summary() + "; max_pages (" + maxPages + ") reached, the next fetch continues at page "
                + (poll.pages() + 1));
    }

    /** Commits the next poll's bound with the last page's records. */
    private void finish(FetchContext ctx, PollState poll) {
        Instant next = window.nextSince(poll.since(), poll.start(), poll.largestRecord());
        if (next != null) {
            ctx.state().put(PollState.SINCE, Long.toString(next.toEpochMilli()));
        }
        ctx.state().remove(PollState.KEY);
        ctx.checkpoint();
    }

    /** One page: the request, its records, and what its headers say about the next one. */
    private record PageRead(HttpRequest request, RecordReader.Page records, Optional<String> link, boolean exhausted,
            Optional<Duration> resetWait) { }

    private PageRead readPage(FetchContext ctx, PollState poll) throws IOException, SourceException {
        HttpRequest request = request(poll);
        try (HttpResult answer = send(ctx, request)) {
            ctx.closeOnStop(answer);
            RecordReader.Page page;
            try {
                page = reader.read(answer.body(), answer.mediaType());
            } catch (SourceException e) {
                throw new SourceException("page " + (poll.pages() + 1) + " (" + request + "): "
                        + credentials.mask(e.getMessage()));
            }
            return new PageRead(request, page, answer.header("Link"), RateLimitWait.exhausted(answer::header),
                    RateLimitWait.of(answer::header, ctx.clock()));
        }
    }

    private HttpRequest request(PollState poll) {
        PagePosition position = poll.next();
        if (position.url() != null) {
            return template.requestFor(position.url());
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (window.sendsBound() && poll.since() != null) {
            parameters.put(window.param(), window.formatted(poll.since()));
        }
        parameters.putAll(paging.parameters(position));
        return template.request(parameters);
    }

    /** Sends with credentials; after a 401 renewable credentials (OAuth2) get one more try with a new token. */
    private HttpResult send(FetchContext ctx, HttpRequest request) throws IOException, SourceException {
        try {
            try {
                return ctx.http().send(credentials.apply(ctx, request));
            } catch (HttpStatusException e) {
                if (e.status() == 401 && credentials.renew()) {
                    return ctx.http().send(credentials.apply(ctx, request));
                }
                throw e;
            }
        } catch (HttpStatusException e) {
            throw refused(ctx, request, e);
        } catch (IOException e) {
            throw withoutSecrets(e);
        }
    }

    private SourceException refused(FetchContext ctx, HttpRequest request, HttpStatusException e) {
        int status = e.status();
        if (status == 401 || (status == 403 && !RateLimitWait.exhausted(e::header))) {
            return new SourceException("the API refused the credentials (HTTP " + status + " for " + request
                    + "): check auth and its keys, or the header.* keys");
        }
        if (status == 429 || status == 503 || status == 403) {
            Duration wait = RateLimitWait.of(e::header, ctx.clock()).or(e::retryAfter).orElse(null);
            return new HttpStatusException(credentials.mask(e.getMessage()), status, wait);
        }
        return new HttpStatusException(credentials.mask(e.getMessage()), status, e.retryAfter().orElse(null));
    }

    /** The failure as it is, unless a secret shows in its messages: then a masked copy without causes. */
    private IOException withoutSecrets(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (!credentials.mask(message).equals(message)) {
                return new IOException(credentials.mask(e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }
        return e;
    }

    /** Emits a page's records; returns the largest record time among them (since_source = record:...). */
    private Instant emit(FetchContext ctx, RecordReader.Page page, long pageNumber, Tally tally) {
        Instant largest = null;
        for (RecordReader.Malformed bad : page.malformed()) {
            tally.malformed++;
            ctx.malformed("page " + pageNumber + ": " + bad.reason(), sample(bad.sample()));
        }
        for (JsonNode record : page.records()) {
            Optional<String> key = reader.key(record);
            if (key.isEmpty()) {
                tally.malformed++;
                ctx.malformed("page " + pageNumber + ": a record without record_id " + reader.idPointer(),
                        sample(record.toString()));
                continue;
            }
            tally.records++;
            if (!ctx.seen(key.get())) {
                tally.fresh++;
            }
            ctx.emit(Event.ofText(record.toString(), "application/json").withDedupKey(key.get()));
            Optional<Instant> time = window.recordTime(record);
            if (time.isPresent() && (largest == null || time.get().isAfter(largest))) {
                largest = time.get();
            }
        }
        tally.pages++;
        return largest;
    }

    private static byte[] sample(String text) {
        return text.substring(0, Math.min(text.length(), 200)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "HttpInput[" + template.url() + "]";
    }

    /** Counts of one fetch, for the status line. */
    private static final class Tally {
        final boolean resumed;
        int pages;
        int records;
        int fresh;
        int malformed;

        Tally(boolean resumed) {
            this.resumed = resumed;
        }

        String summary() {
            return (resumed ? "resumed a poll: " : "") + records + (records == 1 ? " record, " : " records, ") + fresh
                    + " new" + (malformed == 0 ? "" : ", " + malformed + " malformed") + " (" + pages
                    + (pages == 1 ? " page)" : " pages)");
        }
    }
}
