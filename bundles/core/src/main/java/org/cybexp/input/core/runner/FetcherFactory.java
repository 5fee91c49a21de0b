package org.cybexp.input.core.runner;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.control.InputRunner;
import org.cybexp.input.core.control.InputRunnerFactory;
import org.cybexp.input.core.fetch.DeliveryLink;
import org.cybexp.input.core.http.SharedHttpClient;
import org.cybexp.input.core.store.DataDirectory;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link InputRunnerFactory} service: owns the timing thread and the shared HTTP clients, and creates a
 * {@link CybexSourceFetcher} per input. On deactivation it closes the runners still open, so no input thread
 * outlives the core bundle. The outbox is a dynamic reference ({@link DeliveryLink}): updating the delivery
 * bundle leaves this factory, its runners and the manager above it running.
 */
@Component(service = InputRunnerFactory.class, immediate = true)
public final class FetcherFactory implements InputRunnerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(FetcherFactory.class);

    /** How long an input starting its fetch waits for the outbox of a delivery bundle being updated. */
    static final Duration DELIVERY_PATIENCE = Duration.ofSeconds(10);

    private final FetcherServices services;
    private final Set<CybexSourceFetcher> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private final DeliveryLink events;

    @Activate
    public FetcherFactory(BundleContext context) {
        this(new DeliveryLink(DELIVERY_PATIENCE), context);
    }

    private FetcherFactory(DeliveryLink events, BundleContext context) {
        this(new FetcherServices(events, DataDirectory.resolve(context::getProperty), new SharedHttpClient(),
                Clock.systemUTC(), timingThread(), () -> ThreadLocalRandom.current().nextDouble()), events);
        LOG.info("input state kept under {}", services.dataDir().resolve("state"));
    }

    @Reference(name = "events", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEvents(EventStore store) {
        events.bind(store);
    }

    void unbindEvents(EventStore store) {
        events.unbind(store);
    }

    FetcherFactory(FetcherServices services) {
        this(services, null);
    }

    private FetcherFactory(FetcherServices services, DeliveryLink events) {
        this.services = services;
        this.events = events;
    }

    private static ScheduledExecutorService timingThread() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = Executors.defaultThreadFactory().newThread(task);
            thread.setName("cybexp-input-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        // Cancelled waits (stops, reschedules) must not pile up in the queue.
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    @Override
    public InputRunner create(InputConfig config, SourceInput input) {
        CybexSourceFetcher fetcher = new CybexSourceFetcher(config, input, services);
        fetcher.onClose(() -> {
            synchronized (open) {
                open.remove(fetcher); // it holds the plugin's input: keeping it would pin the plugin's class loader
            }
        });
        synchronized (open) {
            open.add(fetcher);
        }
        return fetcher;
    }

    /** How many runners are open (for tests). */
    int openCount() {
        synchronized (open) {
            return open.size();
        }
    }

    @Deactivate
    void deactivate() {
        List<CybexSourceFetcher> fetchers;
        synchronized (open) {
            fetchers = List.copyOf(open);
            open.clear();
        }
        fetchers.forEach(CybexSourceFetcher::close);
        services.scheduler().shutdownNow();
        services.http().close();
    }
}
