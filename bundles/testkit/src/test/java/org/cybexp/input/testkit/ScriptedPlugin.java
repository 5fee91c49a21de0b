package org.cybexp.input.testkit;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;

/** A plugin whose inputs run whatever the test scripts, to exercise the kit's container rules. */
final class ScriptedPlugin implements SourcePlugin {

    /** The body of one fetch call. */
    @FunctionalInterface
    interface Script {
        void run(FetchContext ctx) throws Exception;
    }

    private volatile Script script = ctx -> { };
    private volatile SourceInput.Mode mode = SourceInput.Mode.POLLING;

    ScriptedPlugin script(Script next) {
        script = next;
        return this;
    }

    ScriptedPlugin streaming() {
        mode = SourceInput.Mode.STREAMING;
        return this;
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public String defaultTypetag() {
        return "scripted-tag";
    }

    @Override
    public long defaultPeriodSeconds() {
        return 600;
    }

    @Override
    public SourceInput open(InputConfig config) {
        return new SourceInput() {
            @Override
            public Mode mode() {
                return mode;
            }

            @Override
            public void fetch(FetchContext ctx) throws Exception {
                script.run(ctx);
            }
        };
    }
}
