package org.cybexp.input.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;

/**
 * What the container keeps on disk for one input, in memory: the stored events (what would be posted to
 * CYBEX-P), their dedup keys, the committed state, and the status counters. It outlives inputs and calls, so a
 * test can close an input, open a new one from the plugin (a restart, an update of the plugin) and fetch
 * again: dedup keys, cursors and HTTP validators carry over as in the container.
 *
 * <pre>{@code
 * InMemoryInputStore store = InMemoryInputStore.builder(new MyPlugin())
 *         .property("url", server.feed("/feed.json").uri().toString())
 *         .build();
 * try (SourceInput input = store.open()) {
 *     store.fetch(input);                    // one call, with the container's commit rules
 * }
 * assertEquals(3, store.events().size());
 * }</pre>
 *
 * {@link #fetch(SourceInput)} runs a call on the test's thread; {@link #start(SourceInput)} runs one on its own
 * thread (streaming inputs, stop tests). Thread-safe.
 */
public final class InMemoryInputStore {

    /** The core's batch limits: a long call stores its events in batches of this size even before a checkpoint. */
    static final int MAX_BATCH_EVENTS = 1000;
    static final long MAX_BATCH_BYTES = 8L * 1024 * 1024;

    private final SourcePlugin plugin;
    private final String defaultName;
    private final Clock clock;
    private final Duration httpTimeout;
    private final int maxBatchEvents;
    private final long maxBatchBytes;
    private final HttpClient httpClient;

    private final List<Event> events = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private final Map<String, String> state = new HashMap<>();
    private volatile InputConfig config;
    private long duplicates;
    private long malformed;
    private String progress = "";
    private boolean failWrites;

    private InMemoryInputStore(Builder builder, InputConfig config) {
        this.plugin = builder.plugin;
        this.defaultName = builder.name;
        this.config = config;
        this.clock = builder.clock;
        this.httpTimeout = builder.httpTimeout;
        this.maxBatchEvents = builder.maxBatchEvents;
        this.maxBatchBytes = builder.maxBatchBytes;
        this.httpClient = LoopbackHttpAccess.newClient(builder.httpTimeout);
    }

    /**
     * A store for an input of {@code plugin}, configured with the builder's keys. The name defaults to
     * {@code test} and the orgid to {@code test-org}; everything else as the container defaults it.
     */
    public static Builder builder(SourcePlugin plugin) {
        return new Builder(Objects.requireNonNull(plugin, "plugin"), null);
    }

    /** A store for a ready-made configuration; {@link #open()} and {@link #reconfigure} need a plugin. */
    public static Builder builder(InputConfig config) {
        return new Builder(null, Objects.requireNonNull(config, "config"));
    }

    /** Shorthand for {@code builder(plugin).properties(properties).build()}. */
    public static InMemoryInputStore of(SourcePlugin plugin, Map<String, ?> properties) throws InvalidConfigException {
        return builder(plugin).properties(properties).build();
    }

    /** The input's current configuration. */
    public InputConfig config() {
        return config;
    }

    /**
     * Replaces the configuration, as editing the input's {@code .cfg} does; the stored data stays. Open a new
     * input afterwards to use it.
     *
     * @param properties the whole new configuration (the builder's name and orgid apply when absent)
     * @throws InvalidConfigException as the container would refuse it; the old configuration stays
     */
    public void reconfigure(Map<String, ?> properties) throws InvalidConfigException {
        config = InputConfigs.of(requirePlugin(), defaultName, withDefaults(properties));
    }

    /** Opens an input of the plugin with the current configuration, as the container does at start. */
    public SourceInput open() throws InvalidConfigException {
        return requirePlugin().open(config);
    }

    /** A context for one call; run it with {@link #fetch(SourceInput, InMemoryFetchContext)} or {@link #start}. */
    public InMemoryFetchContext newContext() {
        return new InMemoryFetchContext(this, config, clock, httpClient, httpTimeout);
    }

    /**
     * Runs one fetch call on this thread, as the container does: when {@code fetch} returns normally its
     * events are stored and its state committed; when it throws, or was stopped immediately, its events and
     * state since the last checkpoint are dropped. The plugin's exception is rethrown as it is.
     *
     * @return the call's context, to inspect what the plugin reported
     */
    public InMemoryFetchContext fetch(SourceInput input) throws Exception {
        InMemoryFetchContext ctx = newContext();
        fetch(input, ctx);
        return ctx;
    }

    /** Runs one fetch call with a context from {@link #newContext()}, e.g. one the test stops. */
    public void fetch(SourceInput input, InMemoryFetchContext ctx) throws Exception {
        ctx.begin();
        try {
            input.fetch(ctx);
            if (ctx.stopNow()) {
                ctx.abandon();
            } else {
                ctx.complete();
            }
        } catch (Throwable e) {
            ctx.abandon();
            throw e;
        } finally {
            ctx.end();
        }
    }

    /** Starts one fetch call on a new thread; the handle stops it and waits for its end. */
    public RunningFetch start(SourceInput input) {
        return start(input, newContext());
    }

    /** Starts one fetch call with a given context on a new thread. */
    public RunningFetch start(SourceInput input, InMemoryFetchContext ctx) {
        return RunningFetch.start(this, input, ctx);
    }

    // ---- what is stored -----------------------------------------------------------------------------------

    /** Every stored event, over all calls, in the order stored: what the container would post. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The bodies of the stored events as UTF-8 text. */
    public synchronized List<String> eventTexts() {
        return events.stream().map(event -> new String(event.body(), StandardCharsets.UTF_8)).toList();
    }

    /** Whether an event with this dedup key was stored. */
    public synchronized boolean seen(String dedupKey) {
        return keys.contains(dedupKey);
    }

    /** The stored dedup keys. */
    public synchronized Set<String> dedupKeys() {
        return Set.copyOf(keys);
    }

    /** The committed state (cursors, HTTP validators); staged writes are not in it. */
    public synchronized Map<String, String> committedState() {
        return Map.copyOf(state);
    }

    /** One committed state value. */
    public synchronized Optional<String> committed(String key) {
        return Optional.ofNullable(state.get(key));
    }

    /** Status counter: events stored. */
    public synchronized long fetched() {
        return events.size();
    }

    /** Status counter: events dropped because all their dedup keys were seen before. */
    public synchronized long duplicates() {
        return duplicates;
    }

    /** Status counter: malformed records reported, over all calls. */
    public synchronized long malformed() {
        return malformed;
    }

    /** The last progress line any call set, as status shows it. */
    public synchronized String progress() {
        return progress;
    }

    /** Waits until at least {@code count} events are stored (checkpointed); false on timeout. */
    public synchronized boolean awaitEvents(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /**
     * Makes storing fail (as a full disk does) until set back: {@link InMemoryFetchContext#checkpoint()} then
     * throws {@link UncheckedIOException} and nothing is stored or committed.
     */
    public synchronized void failWrites(boolean fail) {
        failWrites = fail;
    }

    // ---- used by the contexts -----------------------------------------------------------------------------

    synchronized void storeEvents(List<Event> batch) {
        requireWritable("events");
        for (Event event : batch) {
            events.add(event);
            keys.addAll(event.dedupKeys());
        }
        notifyAll();
    }

    synchronized void commitState(Map<String, Optional<String>> staged) {
        requireWritable("state");
        staged.forEach((key, value) -> value.ifPresentOrElse(v -> state.put(key, v), () -> state.remove(key)));
    }

    private void requireWritable(String what) {
        if (failWrites) {
            throw new UncheckedIOException("cannot store the " + what + " of input " + config.name(),
                    new IOException("writes fail (InMemoryInputStore.failWrites)"));
        }
    }

    synchronized void countDuplicate() {
        duplicates++;
    }

    synchronized void countMalformed() {
        malformed++;
    }

    synchronized void progress(String line) {
        progress = line;
    }

    int maxBatchEvents() {
        return maxBatchEvents;
    }

    long maxBatchBytes() {
        return maxBatchBytes;
    }

    private SourcePlugin requirePlugin() {
        if (plugin == null) {
            throw new IllegalStateException("this store was built from an InputConfig; build it from a plugin");
        }
        return plugin;
    }

    private Map<String, Object> withDefaults(Map<String, ?> properties) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("orgid", "test-org");
        values.putAll(properties);
        return values;
    }

    /** Configures an {@link InMemoryInputStore}. */
    public static final class Builder {

        private final SourcePlugin plugin;
        private final InputConfig config;
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private String name = "test";
        private Clock clock = Clock.systemUTC();
        private Duration httpTimeout = Duration.ofSeconds(10);
        private int maxBatchEvents = MAX_BATCH_EVENTS;
        private long maxBatchBytes = MAX_BATCH_BYTES;

        private Builder(SourcePlugin plugin, InputConfig config) {
            this.plugin = plugin;
            this.config = config;
        }

        /** The input's name when the properties give none (the container takes the file's instance name). */
        public Builder name(String inputName) {
            this.name = inputName;
            return this;
        }

        /** One configuration key, as in the {@code .cfg} file. */
        public Builder property(String key, Object value) {
            properties.put(key, value);
            return this;
        }

        /** Several configuration keys. */
        public Builder properties(Map<String, ?> values) {
            properties.putAll(values);
            return this;
        }

        /** The clock the contexts give the plugin; the system clock by default. See {@link TestClock}. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /** Connect and answer timeout of {@link LoopbackHttpAccess}; 10 s by default. */
        public Builder httpTimeout(Duration value) {
            this.httpTimeout = Objects.requireNonNull(value);
            return this;
        }

        /** Stores events in batches of this many events or bytes before a checkpoint; the core's by default. */
        public Builder batchLimits(int events, long bytes) {
            if (events < 1 || bytes < 1) {
                throw new IllegalArgumentException("batch limits must be positive");
            }
            this.maxBatchEvents = events;
            this.maxBatchBytes = bytes;
            return this;
        }

        /** @throws InvalidConfigException if a common key is invalid, as the container would refuse it */
        public InMemoryInputStore build() throws InvalidConfigException {
            if (config != null) {
                if (!properties.isEmpty()) {
                    throw new IllegalStateException("properties need a plugin; put them into the InputConfig");
                }
                return new InMemoryInputStore(this, config);
            }
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("orgid", "test-org");
            values.putAll(properties);
            return new InMemoryInputStore(this, InputConfigs.of(plugin, name, values));
        }
    }
}
