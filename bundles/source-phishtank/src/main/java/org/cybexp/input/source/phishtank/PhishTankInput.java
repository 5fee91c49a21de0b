package org.cybexp.input.source.phishtank;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.StopRequestedException;

/**
 * One configured PhishTank input. Each poll downloads the dump conditionally (an unchanged dump costs a 304),
 * streams it through {@link DumpStream} and {@link PhishTankDump}, and emits each record whose
 * {@code phish_id} + {@code verification_time} this input never posted, as one {@code application/json} event.
 *
 * <p>A bad download (HTML, empty, cut short, invalid JSON, too large) fails the fetch: records read before the
 * fault may already be stored, but their dedup keys are too, and the validator of the bad answer is dropped, so
 * the next poll downloads again and posts only what is still missing. When PhishTank says the rate limit is
 * exceeded the fetch fails with the wait it asked for (see {@link RateLimitWait}), and this input does not ask
 * again before that wait is over.
 */
final class PhishTankInput implements SourceInput {

    static final String MEDIA_TYPE = "application/json";
    /** Status lines while a big dump is read: often enough to see it move, rare enough to cost nothing. */
    static final int PROGRESS_EVERY = 10_000;

    private final PhishTankSettings settings;
    private final PhishTankDump parser = new PhishTankDump();
    /** The end of the last rate-limit wait; the core also persists it across restarts. */
    private volatile Instant notBefore;

    PhishTankInput(PhishTankSettings settings) {
        this.settings = settings;
    }

    @Override
    public void fetch(FetchContext ctx) throws IOException, SourceException {
        Instant now = ctx.clock().instant();
        Instant waitEnd = notBefore;
        if (waitEnd != null && now.isBefore(waitEnd)) {
            throw rateLimited(ctx, "still inside PhishTank's rate-limit window", 429, Duration.between(now, waitEnd));
        }
        HttpResult answer;
        try {
            answer = ctx.http().send(settings.request());
        } catch (HttpStatusException e) {
            if (e.status() == 429 || e.status() == 509) {
                Duration wait = e.retryAfter().map(RateLimitWait::bounded)
                        .orElseGet(() -> RateLimitWait.of(Optional.empty(), e.header("X-Request-Limit-Interval"),
                                ctx.clock()));
                throw rateLimited(ctx, "HTTP " + e.status(), e.status(), wait);
            }
            throw e;
        }
        try (answer) {
            if (answer.notModified()) {
                ctx.progress("dump not modified since the last download");
                return;
            }
            ctx.closeOnStop(answer);
            read(ctx, answer);
        }
    }

    /** Streams the dump of a 2xx answer and emits its new records. */
    private void read(FetchContext ctx, HttpResult answer) throws IOException, SourceException {
        Emitter emitter = new Emitter(ctx);
        PhishTankDump.Summary summary;
        try (DumpStream dump = DumpStream.open(answer.body(), settings.format(), settings.maxDecompressedBytes())) {
            summary = parser.read(dump.text(), emitter);
        } catch (RateLimitedException e) {
            if ("file".equalsIgnoreCase(settings.dumpUri().getScheme())) {
                throw new SourceException("the file holds PhishTank's rate-limit answer instead of the dump");
            }
            Duration wait = RateLimitWait.of(answer.header("Retry-After"), answer.header("X-Request-Limit-Interval"),
                    ctx.clock());
            throw rateLimited(ctx, "HTTP " + answer.status() + " with the rate-limit text", 429, wait);
        } catch (DumpStreamException e) {
            throw new SourceException(failure(e.getMessage(), emitter), e);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset();
            // Jackson appends where the open array started; that only repeats "line 1, column 1"
            String what = e.getOriginalMessage().replaceFirst("\\s*\\(start marker at .*$", "");
            throw new SourceException(failure("the dump is not valid JSON or is cut short: " + what + at, emitter), e);
        } catch (SourceException e) {
            throw new SourceException(failure(e.getMessage(), emitter));
        }
        if (!summary.complete()) {
            // Thrown rather than returned: a normal return would commit the new validator without the records.
            throw new StopRequestedException();
        }
        ctx.progress(summary.elements() == 0 ? "the dump holds no records" : summary.records() + " records, "
                + emitter.fresh + " new" + (summary.malformed() == 0 ? "" : ", " + summary.malformed() + " malformed"));
    }

    /** A failure message with the app key masked and how far the read came. */
    private String failure(String message, Emitter emitter) {
        String progress = emitter.seen == 0 ? "" : " (after " + emitter.seen + " records, " + emitter.fresh + " new)";
        return settings.mask(message) + progress;
    }

    /** Remembers the wait and fails the fetch with it, which the core honours before the next fetch. */
    private HttpStatusException rateLimited(FetchContext ctx, String why, int status, Duration wait) {
        Instant until = ctx.clock().instant().plus(wait).truncatedTo(ChronoUnit.SECONDS);
        Instant current = notBefore;
        if (current == null || until.isAfter(current)) {
            notBefore = until;
        }
        String message = "PhishTank rate limit exceeded (" + why + "): no download before " + until;
        ctx.progress("rate limited until " + until);
        return new HttpStatusException(message, status, wait);
    }

    /** Emits new records and keeps the counts for status. */
    private static final class Emitter implements PhishTankDump.Listener {
        private final FetchContext ctx;
        long seen;
        long fresh;

        Emitter(FetchContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void record(PhishTankDump.Entry entry) {
            seen++;
            String key = entry.dedupKey();
            if (!ctx.seen(key)) {
                ctx.emit(Event.of(entry.json(), MEDIA_TYPE).withDedupKey(key));
                fresh++;
            }
            if (seen % PROGRESS_EVERY == 0) {
                ctx.progress(seen + " records read, " + fresh + " new");
            }
        }

        @Override
        public void malformed(String reason, byte[] sample) {
            ctx.malformed(reason, sample);
        }

        @Override
        public boolean stopNow() {
            return ctx.stopNow();
        }
    }

    @Override
    public String toString() {
        return "PhishTankInput[" + settings + "]";
    }

    /** For tests: the end of the current rate-limit wait. */
    Optional<Instant> notBefore() {
        return Optional.ofNullable(notBefore);
    }
}
