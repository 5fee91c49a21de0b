package org.cybexp.input.delivery;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.DeadLetterStore;
import org.cybexp.input.core.control.DeliveryFates;
import org.cybexp.input.core.control.DeliveryObserver;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.files.DataFolder;
import org.cybexp.input.core.files.DurableFiles;
import org.cybexp.input.delivery.sink.Sink;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.SegmentOutbox;
import org.cybexp.input.delivery.store.InputFolder;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventStore}: keeps each input's events in a durable outbox under {@code data/outbox/<input>/} and
 * delivers them to the sink configured by {@code cybexp.api} (the CYBEX-P API, or the local archive). Outboxes
 * left from an earlier run are delivered at start, even for inputs no longer configured. Beside it, the
 * {@link DeadLetterStore} service lists, replays and purges what the sink refused for good.
 *
 * <p>The service is registered by hand, without properties: DS would copy the configuration, token included,
 * into the service properties, where any shell or console shows them.
 */
@Component(service = {}, immediate = true, configurationPid = "cybexp.api",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ApiConfig.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.cybexp.input.core.control.EventStore\"",
        uses = EventStore.class)
@Capability(namespace = "osgi.service",
        attribute = "objectClass:List<String>=\"org.cybexp.input.core.control.DeadLetterStore\"",
        uses = DeadLetterStore.class)
@Capability(namespace = "osgi.service",
        attribute = "objectClass:List<String>=\"org.cybexp.input.core.control.DeliveryFates\"",
        uses = DeliveryFates.class)
public final class DeliveryService implements EventStore {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);

    private final Path dataDir;
    private final DeliveryTiming timing;
    private final SinkFactory sinks;
    private final DeadLetters deadLetters;
    private final DeadLetterService deadLetterStore;
    private final DiskReserve reserve;
    /**
     * In an input's outbox folder once it asked for fates: after a restart its fates are kept from the first
     * post, before the input (started later) asks again, so an upload left in the outbox still gets its receipt.
     */
    static final String KEEPS_FATES = "keeps-fates";

    private final RecentFates fates = new RecentFates(RecentFates.DEFAULT_ENTRIES, this::writeDownKeepsFates);
    private final AtomicReference<Sink> sink = new AtomicReference<>();
    private final Set<Sink> retiring = ConcurrentHashMap.newKeySet();
    private final Map<String, DeliveryLoop> loops = new ConcurrentHashMap<>();
    private volatile SinkSettings settings;
    private volatile Duration timeout;
    private volatile OutboxCaps caps = OutboxCaps.DEFAULT;
    private boolean stopped; // guarded by loops
    private ServiceRegistration<EventStore> registration;
    private ServiceRegistration<DeadLetterStore> deadLetterRegistration;
    /** Whoever wants to know how long posts take (the metrics endpoint); dynamic: they come and go freely. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<DeliveryObserver> observers = List.of();
    private ServiceRegistration<DeliveryFates> fatesRegistration;

    @Activate
    public DeliveryService(BundleContext context, ApiConfig config) {
        this(DataFolder.resolve(context::getProperty), SinkSettings.of(config), DeliveryTiming.standard(),
                new SecretResolver(System::getenv));
    }

    DeliveryService(Path dataDir, SinkSettings settings, DeliveryTiming timing, SecretResolver secrets) {
        this(dataDir, settings, timing, secrets, FreeSpace.of(dataDir.resolve("outbox")));
    }

    /** @param disk the free space of the outboxes' disk; tests pretend a full one */
    DeliveryService(Path dataDir, SinkSettings settings, DeliveryTiming timing, SecretResolver secrets,
            FreeSpace disk) {
        this.dataDir = dataDir;
        this.reserve = new DiskReserve(disk, dataDir.resolve("outbox"),
                problem -> loops.values().forEach(loop -> loop.problem(problem)));
        this.timing = timing;
        this.sinks = new SinkFactory(dataDir, timing.clock(), secrets);
        this.deadLetters = new DeadLetters(dataDir.resolve("deadletter"));
        this.deadLetterStore = new DeadLetterService(deadLetters, this::loopOf);
        this.settings = settings;
        this.sink.set(sinks.create(settings, 1));
        this.timeout = settings.timeout();
        resumeLeftovers();
    }

    @Activate
    void register(BundleContext context, ApiConfig config) {
        caps(OutboxCaps.of(config));
        registration = context.registerService(EventStore.class, this, null);
        deadLetterRegistration = context.registerService(DeadLetterStore.class, deadLetterStore, null);
        fatesRegistration = context.registerService(DeliveryFates.class, fates, null);
    }

    @Override
    public void append(InputConfig input, List<Event> events, byte[] commit) throws IOException {
        if (events.isEmpty() && commit == null) {
            return;
        }
        String timezone = input.timezone() == null ? "UTC" : input.timezone().getId();
        List<EventRecord> records = new ArrayList<>(events.size());
        for (Event event : events) {
            // an event's own fields (an upload's org and typetag) were checked by the core against the input's
            String name = event.name().orElse(input.name());
            String orgid = event.orgid().orElse(Objects.toString(input.orgid(), ""));
            String typetag = event.typetag().orElse(Objects.toString(input.typetag(), ""));
            String zone = event.timezone().map(ZoneId::getId).orElse(timezone);
            records.add(event.file().isPresent()
                    ? EventRecord.ofFile(name, orgid, typetag, zone, event.mediaType(), event.file().get())
                    : EventRecord.of(name, orgid, typetag, zone, event.mediaType(), event.body()));
        }
        DeliveryLoop loop = loopOf(input.name());
        loop.outbox().append(records, commit);
        if (!records.isEmpty()) {
            loop.wake();
        }
    }

    @Override
    public Optional<byte[]> lastCommit(String inputName) throws IOException {
        return loopOf(inputName).outbox().lastCommit();
    }

    @Override
    public boolean accepting(String inputName) {
        DeliveryLoop mine = loops.get(inputName);
        long total = loops.values().stream().mapToLong(loop -> loop.outbox().bytes()).sum();
        OutboxCaps now = caps;
        return now.allows(mine == null ? 0 : mine.outbox().bytes(), total) && reserve.holds(now.minFreeBytes(),
                loops.values().stream().mapToLong(loop -> loop.outbox().reclaimableBytes()).sum());
    }

    /** Sets the outbox caps and the free-space reserve; inputs held by back-pressure see them at their next look. */
    void caps(OutboxCaps newCaps) {
        caps = newCaps;
    }

    @Override
    public long outboxBytes(String inputName) {
        DeliveryLoop loop = loops.get(inputName);
        return loop == null ? 0 : loop.outbox().bytes();
    }

    private void posted(String inputName, int status, Duration took) {
        for (DeliveryObserver observer : observers) {
            try {
                observer.posted(inputName, status, took);
            } catch (RuntimeException | LinkageError e) {
                // an observer's bug (or a library it lacks) must never stop a delivery worker
                LOG.debug("a delivery observer failed: {}", e.toString());
            }
        }
    }

    @Override
    public DeliveryStats stats(String inputName) {
        DeliveryLoop loop = loops.get(inputName);
        long held = deadLetters.count(inputName);
        if (loop != null) {
            return loop.stats(held);
        }
        return held == 0 ? DeliveryStats.NONE : new DeliveryStats(0, 0, held, 0, null, null, null,
                DeliveryStats.NONE.state(), null, 0);
    }

    /** What became of delivered events, for tests; in the framework the same object is a service. */
    DeliveryFates fates() {
        return fates;
    }

    /** The dead letters, for tests; in the framework the same object is the {@link DeadLetterStore} service. */
    DeadLetterStore deadLetterStore() {
        return deadLetterStore;
    }

    @Modified
    void modified(ApiConfig config) {
        caps(OutboxCaps.of(config));
        apply(SinkSettings.of(config));
    }

    /** Uses new sink settings from the next delivery on; paused and backing-off inputs try again now. */
    void apply(SinkSettings settings) {
        this.settings = settings;
        Sink old = sink.getAndSet(sinks.create(settings, loops.size()));
        Duration grace = timeout;
        timeout = settings.timeout();
        loops.values().forEach(loop -> loop.window(settings.maxInFlight()));
        // a request in flight on the old sink may finish within its timeout before the old pool is closed
        retiring.add(old);
        timing.scheduler().schedule(() -> retire(old), grace.toMillis(), TimeUnit.MILLISECONDS);
        loops.values().forEach(DeliveryLoop::retryNow);
    }

    @Deactivate
    void deactivate() {
        unregister();
        synchronized (loops) {
            stopped = true;
        }
        loops.values().forEach(DeliveryLoop::stop);
        long end = System.nanoTime() + timeout.toNanos();
        try {
            for (Map.Entry<String, DeliveryLoop> entry : loops.entrySet()) {
                Duration left = Duration.ofNanos(Math.max(0, end - System.nanoTime()));
                if (!entry.getValue().awaitStopped(left)) {
                    LOG.warn("input {}: a delivery still runs after {}; its event stays in the outbox",
                            entry.getKey(), DurationText.of(timeout));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Map.Entry<String, DeliveryLoop> entry : loops.entrySet()) {
            try {
                entry.getValue().outbox().close();
            } catch (IOException e) {
                LOG.warn("input {}: closing its outbox: {}", entry.getKey(), e.getMessage());
            }
        }
        sink.get().close();
        retiring.forEach(this::retire);
        timing.scheduler().shutdownNow();
    }

    private void unregister() {
        unregister(fatesRegistration);
        fatesRegistration = null;
        unregister(deadLetterRegistration);
        deadLetterRegistration = null;
        unregister(registration);
        registration = null;
    }

    private static void unregister(ServiceRegistration<?> registered) {
        if (registered != null) {
            try {
                registered.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
    }

    private void retire(Sink old) {
        if (retiring.remove(old)) {
            old.close();
        }
    }

    private DeliveryLoop loopOf(String inputName) throws IOException {
        synchronized (loops) {
            if (stopped) {
                throw new IOException("the delivery service is stopped; events of " + inputName + " not stored");
            }
            DeliveryLoop loop = loops.get(inputName);
            if (loop == null) {
                loop = openLoop(inputName);
                loops.put(inputName, loop);
                sink.get().connections(settings.connectionsFor(loops.size()));
            }
            return loop;
        }
    }

    private DeliveryLoop openLoop(String inputName) throws IOException {
        InputStats stats = new InputStats();
        Path dir = dataDir.resolve("outbox").resolve(InputFolder.of(inputName));
        // sequence numbers start at the current time in microseconds, so they keep growing across restarts
        if (Files.exists(dir.resolve(KEEPS_FATES))) {
            fates.keep(inputName);
        }
        SegmentOutbox outbox = SegmentOutbox.open(dir, timing.clock().millis() * 1000, problem -> {
            LOG.error("input {}: {}", inputName, problem);
            stats.error(problem, timing.clock().instant());
        });
        return new DeliveryLoop(inputName, outbox, stats, sink::get, deadLetters, timing, settings.maxInFlight(),
                this::posted, fates);
    }

    private void writeDownKeepsFates(String inputName) {
        Path dir = dataDir.resolve("outbox").resolve(InputFolder.of(inputName));
        try {
            Files.createDirectories(dir);
            if (!Files.exists(dir.resolve(KEEPS_FATES))) {
                Files.createFile(dir.resolve(KEEPS_FATES));
                DurableFiles.syncDirectory(dir); // an empty file: its name in the folder is all it says
                DurableFiles.syncDirectory(dir.getParent());
            }
        } catch (IOException e) {
            LOG.warn("input {}: cannot write down that it wants delivery fates ({}); after a restart, fates of "
                    + "events delivered before it asks again are not kept", inputName, e.getMessage());
        }
    }

    /** Opens every outbox folder left from an earlier run and delivers what it holds. */
    private void resumeLeftovers() {
        Path outboxes = dataDir.resolve("outbox");
        if (!Files.isDirectory(outboxes)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(outboxes, Files::isDirectory)) {
            for (Path dir : dirs) {
                resume(InputFolder.nameOf(dir.getFileName().toString()));
            }
        } catch (IOException e) {
            LOG.error("cannot list {}: {}; its events are delivered once their inputs store new ones", outboxes,
                    e.getMessage());
        }
    }

    private void resume(String inputName) {
        try {
            DeliveryLoop loop = loopOf(inputName);
            if (!loop.outbox().isEmpty()) {
                LOG.info("input {}: {} events left in the outbox, delivering them", inputName, loop.outbox().depth());
                loop.wake();
            }
        } catch (IOException e) {
            LOG.error("input {}: cannot open its outbox: {}", inputName, e.getMessage());
        }
    }
}
