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
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;

/**
 * One configured input of {@link ${classPrefix}StreamPlugin}. The container calls {@link #fetch} once and it runs
 * until a stop is requested; if the stream ends or fails first, the container calls it again after a backoff.
 *
 * <p>Stopping: on a graceful stop the loop ends after the current record, and the normal return stores what was
 * emitted. A read blocked waiting for the next record does not see the flag; the container then stops
 * immediately, closing the answer registered with {@link FetchContext#closeOnStop}, so the read fails and
 * {@code fetch} ends. Records after the last checkpoint are then received again on the next connection; their
 * dedup key (the record itself) keeps them from being posted twice.
 */
final class ${classPrefix}StreamInput implements SourceInput {

    static final String MEDIA_TYPE = "application/json";

    private final URI url;
    private final int checkpointEvery;

    ${classPrefix}StreamInput(URI url, int checkpointEvery) {
        this.url = url;
        this.checkpointEvery = checkpointEvery;
    }

    @Override
    public Mode mode() {
        return Mode.STREAMING;
    }

    @Override
    public void fetch(FetchContext ctx) throws IOException, SourceException {
        try (HttpResult answer = ctx.http().send(HttpRequest.get(url).header("Accept", "application/x-ndjson"))) {
            ctx.closeOnStop(answer);
            ctx.progress("connected");
            long received = 0;
            int sinceCheckpoint = 0;
            BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null && !ctx.stopRequested(); line = lines.readLine()) {
                String record = line.strip();
                if (record.isEmpty()) {
                    continue; // keep-alive
                }
                if (!record.startsWith("{") || !record.endsWith("}")) {
                    ctx.malformed("not a JSON object", record.getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                ctx.emit(Event.ofText(record, MEDIA_TYPE).withDedupKey(record));
                received++;
                if (++sinceCheckpoint >= checkpointEvery) {
                    ctx.checkpoint(); // stored for good: a restart resumes after this record
                    sinceCheckpoint = 0;
                    ctx.progress("connected, " + received + " records");
                }
            }
            ctx.progress(ctx.stopRequested() ? "stopped" : "stream ended after " + received + " records");
        }
    }

    @Override
    public String toString() {
        return "${classPrefix}StreamInput[" + HttpRequest.get(url).displayUri() + "]";
    }
}
