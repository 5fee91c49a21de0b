package ${package};

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.Secret;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;

/**
 * One configured input of {@link ${classPrefix}Plugin}. Each call downloads the feed conditionally (an unchanged
 * feed costs a 304 and emits nothing) and emits one {@code text/plain} event per indicator, the indicator being
 * its dedup key: the container drops those it stored before, so only new ones are posted.
 *
 * <p>What it does not do, because the container does it: schedule, sleep, retry, back off, remember what was
 * posted, post. It keeps no state of its own either: the state lives in the {@link FetchContext}.
 */
final class ${classPrefix}Input implements SourceInput {

    static final String MEDIA_TYPE = "text/plain";

    private final URI url;
    private final Secret apiKey;
    private final int maxLineLength;

    ${classPrefix}Input(URI url, Secret apiKey, int maxLineLength) {
        this.url = url;
        this.apiKey = apiKey;
        this.maxLineLength = maxLineLength;
    }

    @Override
    public void fetch(FetchContext ctx) throws IOException, SourceException {
        HttpRequest request = HttpRequest.get(url).conditional();
        if (!apiKey.isEmpty()) {
            request = request.header("Authorization", apiKey.reveal());
        }
        try (HttpResult answer = ctx.http().send(request)) {
            if (answer.notModified()) {
                ctx.progress("feed not modified since the last fetch");
                return;
            }
            if (answer.mediaType().filter(type -> type.equals("text/html")).isPresent()) {
                // Thrown, not returned: a normal return would commit the page's validator as the feed's.
                throw new SourceException("the feed returned an HTML page, not a list of indicators");
            }
            ctx.closeOnStop(answer); // an immediate stop closes the body, so a read that hangs returns
            ctx.progress(emitNew(ctx, answer));
        }
    }

    /** Emits one event per indicator; returns the progress line shown in status. */
    private String emitNew(FetchContext ctx, HttpResult answer) throws IOException {
        int records = 0;
        int fresh = 0;
        int malformed = 0;
        int lineNumber = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                String indicator = line.strip();
                if (indicator.isEmpty() || indicator.startsWith("#")) {
                    continue; // blank lines and comments
                }
                if (indicator.length() > maxLineLength) {
                    ctx.malformed("line " + lineNumber + ": longer than " + maxLineLength + " characters",
                            indicator.substring(0, Math.min(64, indicator.length())).getBytes(StandardCharsets.UTF_8));
                    malformed++;
                    continue;
                }
                records++;
                if (!ctx.seen(indicator)) {
                    fresh++;
                }
                // emit() drops it anyway if seen; asking first only gives the count for the status line.
                ctx.emit(Event.ofText(indicator, MEDIA_TYPE).withDedupKey(indicator));
            }
        }
        return records + " records, " + fresh + " new" + (malformed == 0 ? "" : ", " + malformed + " malformed");
    }

    @Override
    public String toString() {
        return "${classPrefix}Input[" + HttpRequest.get(url).displayUri() + "]";
    }
}
