package org.cybexp.input.source.mispfile;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryFetchContext;

/**
 * Runs an input with a context that asks for a stop right after its n-th emit: gracefully (the input should
 * checkpoint and return) or immediately (the next emit throws, as a crash would end the call). Deterministic,
 * unlike stopping from another thread. Everything else goes to the test kit's context, whose call rules apply.
 */
final class StopAfterEmits implements SourceInput {

    private final SourceInput input;
    private final int emits;
    private final boolean immediate;

    private StopAfterEmits(SourceInput input, int emits, boolean immediate) {
        this.input = input;
        this.emits = emits;
        this.immediate = immediate;
    }

    static StopAfterEmits gracefully(SourceInput input, int emits) {
        return new StopAfterEmits(input, emits, false);
    }

    static StopAfterEmits immediately(SourceInput input, int emits) {
        return new StopAfterEmits(input, emits, true);
    }

    @Override
    public void fetch(FetchContext ctx) throws Exception {
        input.fetch(new Counting((InMemoryFetchContext) ctx));
    }

    private final class Counting implements FetchContext {
        private final InMemoryFetchContext ctx;
        private int count;

        Counting(InMemoryFetchContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void emit(Event event) {
            ctx.emit(event);
            if (++count == emits) {
                if (immediate) {
                    ctx.requestStopNow();
                } else {
                    ctx.requestStop();
                }
            }
        }

        @Override
        public InputConfig config() {
            return ctx.config();
        }

        @Override
        public java.util.concurrent.CompletionStage<org.cybexp.input.api.EmitResult> emitDurably(Event event) {
            return ctx.emitDurably(event);
        }

        @Override
        public boolean accepting() {
            return ctx.accepting();
        }

        @Override
        public org.cybexp.input.api.Network network() {
            return ctx.network();
        }

        @Override
        public boolean seen(String dedupKey) {
            return ctx.seen(dedupKey);
        }

        @Override
        public PersistentState state() {
            return ctx.state();
        }

        @Override
        public void checkpoint() {
            ctx.checkpoint();
        }

        @Override
        public HttpAccess http() {
            return ctx.http();
        }

        @Override
        public boolean stopRequested() {
            return ctx.stopRequested();
        }

        @Override
        public boolean stopNow() {
            return ctx.stopNow();
        }

        @Override
        public boolean awaitStop(Duration timeout) throws InterruptedException {
            return ctx.awaitStop(timeout);
        }

        @Override
        public void closeOnStop(Closeable resource) {
            ctx.closeOnStop(resource);
        }

        @Override
        public void malformed(String reason, byte[] sample) {
            ctx.malformed(reason, sample);
        }

        @Override
        public void progress(String detail) {
            ctx.progress(detail);
        }

        @Override
        public void statusDetail(String key, Object value) {
            ctx.statusDetail(key, value);
        }

        @Override
        public Clock clock() {
            return ctx.clock();
        }
    }
}
