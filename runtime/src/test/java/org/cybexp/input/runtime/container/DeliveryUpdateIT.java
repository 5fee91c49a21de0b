package org.cybexp.input.runtime.container;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.manager.PluginManager;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * Updating the delivery bundle (a fix in how records are posted) while inputs run: the manager, every input and
 * the control endpoint (its port and nonce in {@code data/runningconfig}) keep running, and the new delivery
 * drains the outbox. Before the core held the outbox through a dynamic reference, the update restarted all of
 * them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeliveryUpdateIT {

    private static final String TOKEN = "update-it-token-91a2";
    private static final String DELIVERY_BSN = "org.cybexp.input.delivery";

    @Inject
    private BundleContext context;

    @Inject
    private PluginManager manager;

    private FeedServer feed;
    private RawReceiver raw;

    @Configuration
    public Option[] config() throws IOException {
        return ContainerOptions.boot("delivery-update");
    }

    @After
    public void closeServers() {
        if (feed != null) {
            feed.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    @Test
    public void updatingTheDeliveryBundleLeavesTheInputsAndTheControlEndpointRunning() throws Exception {
        feed = new FeedServer();
        raw = new RawReceiver(TOKEN);
        feed.serve(fixture("openphish/feed.txt"));
        writeConfig("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        Files.copy(Path.of(System.getProperty("cybexp.it.openphish")), home().resolve("deploy/openphish.jar"));
        Await.until(30, "openphish plugin active", () -> manager.plugins().contains("openphish"));
        writeConfig("cybexp.source.openphish-steady.cfg", "name = steady\norgid = it-org\ntimezone = UTC\n"
                + "url = " + feed.url() + "\nmin_interval = 0\nperiod = 3600\n");
        Await.until(30, "first poll delivered", () -> raw.posts().size() == 1);
        Await.until(10, "delivery counted", () -> status().delivered() == 1);

        Path runningConfig = home().resolve("data/runningconfig");
        Await.until(10, "control endpoint up", () -> Files.exists(runningConfig));
        byte[] endpointBefore = Files.readAllBytes(runningConfig);
        Object managerBefore = serviceId(PluginManager.class);
        Object storeBefore = serviceId(EventStore.class);
        long fetchedBefore = status().fetched();

        deliveryBundle().update();
        Await.until(30, "a new outbox service", () -> serviceIdOrNull(EventStore.class) != null
                && !serviceIdOrNull(EventStore.class).equals(storeBefore));

        assertEquals("the manager was not restarted", managerBefore, serviceId(PluginManager.class));
        assertArrayEquals("same control port and nonce", endpointBefore, Files.readAllBytes(runningConfig));
        InputStatus steady = status();
        assertEquals("the input was not restarted: its counters go on", fetchedBefore, steady.fetched());
        assertTrue(steady.state().toString(), steady.state() == InputState.WAITING
                || steady.state() == InputState.RUNNING);

        feed.serve(fixture("openphish/feed.poll2.txt"));
        manager.restart(List.of(), List.of("steady"));
        Await.until(30, "the updated delivery posts the next poll", () -> raw.posts().size() == 2);
    }

    private InputStatus status() {
        Optional<InputStatus> found = manager.status().stream().filter(s -> s.name().equals("steady")).findFirst();
        return found.orElseThrow();
    }

    private Bundle deliveryBundle() {
        for (Bundle bundle : context.getBundles()) {
            if (DELIVERY_BSN.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no delivery bundle");
    }

    private Object serviceId(Class<?> type) {
        Object id = serviceIdOrNull(type);
        if (id == null) {
            throw new AssertionError("no " + type.getSimpleName() + " service");
        }
        return id;
    }

    private Object serviceIdOrNull(Class<?> type) {
        ServiceReference<?> reference = context.getServiceReference(type);
        return reference == null ? null : reference.getProperty(Constants.SERVICE_ID);
    }

    private void writeConfig(String file, String content) throws IOException {
        Path target = home().resolve("etc").resolve(file);
        Path tmp = target.resolveSibling(file + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path home() {
        return ContainerOptions.home(context);
    }

    private static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(Path.of(System.getProperty("cybexp.it.fixtures"), name));
    }
}
