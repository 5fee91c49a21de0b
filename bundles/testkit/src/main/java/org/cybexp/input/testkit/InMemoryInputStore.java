package org.cybexp.input.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.api.json.JsonRecords;
import org.cybexp.input.core.config.CoreInputSettings;
import org.cybexp.input.core.fetch.BatchCommit;
import org.cybexp.input.core.fetch.FetchCounters;
import org.cybexp.input.core.fetch.InputFetchContext;
import org.cybexp.input.core.http.InputHttpSettings;
import org.cybexp.input.core.network.InputNetwork;
import org.cybexp.input.core.files.DataFolder;
import org.cybexp.input.core.store.DedupKey;
import org.cybexp.input.core.store.DedupStore;
import org.cybexp.input.core.store.StateStore;

/**
 * What the container keeps for one input: the stored events (what would be posted to CYBEX-P), the dedup keys,
 * the committed state, and the status counters. The events are kept in memory (the outbox); the dedup keys and
 * the state are the core's own stores, in a temporary data folder deleted when the JVM exits. It outlives
 * inputs and calls, so a test can close an input, open a new one from the plugin (a restart, an update of the
 * plugin) and fetch again: dedup keys, cursors and HTTP validators carry over as in the container.
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
 * thread (streaming inputs, stop tests). Each call runs through the core's fetch context, so what a test sees
 * is what the container does. Thread-safe.
 *
 * @since 1.0
 */
public final class InMemoryInputStore {

    private final SourcePlugin plugin;
    private final String defaultName;
    private final Clock clock;
    private final Duration httpTimeout;
    private final int maxBatchEvents;
    private final long maxBatchBytes;
    private final MemoryOutbox outbox = new MemoryOutbox();

    private volatile InputConfig config;
    // guarded by this
    private final List<FetchCounters> calls = new ArrayList<>();
    private String progress = "";
    private StateStore state;
    private DedupStore dedup;
    private InputConfig networkConfig;
    private Network network;

    private InMemoryInputStore(Builder builder, InputConfig config) {
        this.plugin = builder.plugin;
        this.defaultName = builder.name;
        this.config = config;
        this.clock = builder.clock;
        this.httpTimeout = builder.httpTimeout;
        this.maxBatchEvents = builder.maxBatchEvents;
        this.maxBatchBytes = builder.maxBatchBytes;
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
        InputConfig current = config;
        FetchCounters counters = new FetchCounters();
        StateStore callState;
        DedupStore callDedup;
        synchronized (this) {
            calls.add(counters);
            callState = state();
            callDedup = dedup();
        }
        InputHttpSettings http = httpSettings(current);
        return new InMemoryFetchContext(this, counters,
                provider -> new InputFetchContext(current, outbox, callDedup, callState, counters, clock, provider,
                        maxBatchEvents, maxBatchBytes),
                (clients, staged, resources) -> new LoopbackHttpAccess(clients, http, staged, resources, clock),
                network(current));
    }

    /** The input's network settings: one per configuration, as the container keeps one per running input. */
    private synchronized Network network(InputConfig current) {
        if (networkConfig != current) {
            network = new InputNetwork(httpSettings(current), CoreInputSettings.orDefaults(current).tls());
            networkConfig = current;
        }
        return network;
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
        if (!ctx.belongsTo(this)) {
            throw new IllegalArgumentException("the context comes from another store");
        }
        ctx.claim();
        try {
            rollForward();
            ctx.attach();
            input.fetch(ctx);
            ctx.finish();
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
    public List<Event> events() {
        return outbox.events();
    }

    /** The bodies of the stored events as UTF-8 text. */
    public List<String> eventTexts() {
        return events().stream().map(event -> new String(event.body(), StandardCharsets.UTF_8)).toList();
    }

    /**
     * The value at a JSON pointer in each stored event, in the order stored: what a test asserts on a plugin
     * that emits JSON records, e.g. {@code assertEquals(List.of("1", "2"), store.jsonValues("/id"))}.
     *
     * @param pointer an RFC 6901 pointer into each event's body, e.g. {@code /id} or {@code /url}
     * @return per event, its value there (a string decoded, other values as written); {@code null} where an event
     *         has none
     * @throws IllegalArgumentException if an event's body is not JSON
     * @since 1.2
     */
    public List<String> jsonValues(String pointer) {
        return eventTexts().stream().map(text -> JsonRecords.value(text, pointer).orElse(null)).toList();
    }

    /** Whether an event with this dedup key was stored (and its key has not expired). */
    public synchronized boolean seen(String dedupKey) {
        return dedup().seen(DedupKey.of(dedupKey));
    }

    /**
     * The dedup keys in the dedup store. It keeps hashes only: the keys are those of the stored events that it
     * holds.
     */
    public synchronized Set<String> dedupKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (Event event : outbox.events()) {
            for (String key : event.dedupKeys()) {
                if (dedup().seen(DedupKey.of(key))) {
                    keys.add(key);
                }
            }
        }
        return Set.copyOf(keys);
    }

    /**
     * The committed state (cursors, HTTP validators); staged writes are not in it, nor the container's own
     * bookkeeping ({@code commit.seq}, the number of the last batch applied).
     */
    public synchronized Map<String, String> committedState() {
        Map<String, String> values = new HashMap<>(state().values());
        values.remove(BatchCommit.APPLIED);
        return Map.copyOf(values);
    }

    /** One committed state value. */
    public synchronized Optional<String> committed(String key) {
        return state().get(key);
    }

    /** Status counter: events stored. */
    public long fetched() {
        return outbox.size();
    }

    /** Status counter: events dropped because all their dedup keys were seen before. */
    public synchronized long duplicates() {
        return calls.stream().mapToLong(FetchCounters::duplicates).sum();
    }

    /** Status counter: malformed records reported, over all calls. */
    public synchronized long malformed() {
        return calls.stream().mapToLong(FetchCounters::malformed).sum();
    }

    /** The last progress line any call set, as status shows it. */
    public synchronized String progress() {
        return progress;
    }

    /** Waits until at least {@code count} events are stored (checkpointed); false on timeout. */
    public boolean awaitEvents(int count, Duration timeout) throws InterruptedException {
        return outbox.awaitSize(count, timeout);
    }

    /**
     * Makes storing fail (as a full disk does) until set back: the core's append to the outbox fails, so
     * {@link InMemoryFetchContext#checkpoint()} (or an emit that fills a batch) throws
     * {@link UncheckedIOException} and nothing is stored or committed.
     */
    public void failWrites(boolean fail) {
        outbox.failWrites(fail);
    }

    // ---- used by the contexts -----------------------------------------------------------------------------

    synchronized void progressed(String line) {
        progress = line;
    }

    /**
     * Applies the outbox's last commit if the stores missed it, as the core does before every call (a batch
     * stored whose dedup keys and state could not be written).
     */
    private synchronized void rollForward() throws IOException {
        BatchCommit.rollForward(outbox.lastCommit(config.name()), dedup(), state());
    }

    private StateStore state() {
        openStores();
        return state;
    }

    private DedupStore dedup() {
        openStores();
        return dedup;
    }

    /** The core's stores, opened once as the container opens them for a running input. */
    private void openStores() {
        if (state != null) {
            return;
        }
        try {
            Path dir = DataFolder.stateOf(TempDataFolders.create(), config.name());
            state = StateStore.open(dir);
            dedup = DedupStore.open(dir, CoreInputSettings.orDefaults(config).dedupTtlDays(), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the state and dedup stores of input " + config.name(), e);
        }
    }

    /** The input's HTTP settings; the timeout from the builder, else the input's {@code http_timeout}, else 10 s. */
    private InputHttpSettings httpSettings(InputConfig current) {
        InputHttpSettings settings = CoreInputSettings.orDefaults(current).http();
        Duration timeout = httpTimeout != null ? httpTimeout
                : current.get("http_timeout").isPresent() ? settings.timeout() : LoopbackHttpAccess.DEFAULT_TIMEOUT;
        return new InputHttpSettings(settings.client(), settings.userAgent(), timeout);
    }

    private SourcePlugin requirePlugin() {
        if (plugin == null) {
            throw new IllegalStateException("this store was built from an InputConfig; build it from a plugin");
        }
        return plugin;
    }

    private static Map<String, Object> withDefaults(Map<String, ?> properties) {
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
        private Duration httpTimeout;
        private int maxBatchEvents = InputFetchContext.MAX_BATCH_EVENTS;
        private long maxBatchBytes = InputFetchContext.MAX_BATCH_BYTES;

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

        /**
         * The clock the contexts give the plugin, and the core's stores use (dedup retention days); the system
         * clock by default. See {@link TestClock}.
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Connect and answer timeout of {@link LoopbackHttpAccess}; by default the input's {@code http_timeout},
         * or 10 s when it sets none (the container's 60 s would make a hanging test slow).
         */
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

        /** @throws InvalidConfigException if a key is invalid, as the container would refuse it */
        public InMemoryInputStore build() throws InvalidConfigException {
            if (config != null) {
                if (!properties.isEmpty()) {
                    throw new IllegalStateException("properties need a plugin; put them into the InputConfig");
                }
                return new InMemoryInputStore(this, config);
            }
            return new InMemoryInputStore(this, InputConfigs.of(plugin, name, withDefaults(properties)));
        }
    }
}
