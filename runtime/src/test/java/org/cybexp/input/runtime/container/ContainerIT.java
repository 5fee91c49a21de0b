package org.cybexp.input.runtime.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.manager.PluginManager;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The real runtime bundles in a real Felix: an OpenPhish plugin jar dropped into {@code deploy/} starts
 * delivering to a loopback {@code /raw}; an update keeps going without re-posting; {@code .cfg} files added,
 * edited and removed apply at runtime, bad ones are refused while the others run; removing the jar stops the
 * input and frees its threads. One framework for the whole class; the steps run in name order.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ContainerIT {

    private static final String TOKEN = "it-token-5f1c0d";
    private static final String PLUGIN_BSN = "org.cybexp.input.source.openphish";

    private FeedServer feed;
    private RawReceiver raw;

    @Inject
    private BundleContext context;

    @Inject
    private PluginManager manager;

    @Configuration
    public Option[] config() throws IOException {
        return ContainerOptions.boot("container");
    }

    /** The servers live in the probe (inside the framework), created for the scenario and closed after it. */
    @Before
    public void servers() throws IOException {
        feed = new FeedServer();
        raw = new RawReceiver(TOKEN);
        feed.serve(fixture("openphish/feed.txt"));
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

    /** One scenario: each step builds on the one before, so they run as one test, never in a fixed order of tests. */
    @Test
    public void aPluginIsDeployedUpdatedMisconfiguredAndRemovedWhileItsInputsRun() throws Exception {
        pluginDroppedIntoDeployStartsAndItsInputDelivers();
        updatedPluginKeepsGoingWithoutReposting();
        invalidConfigIsShownAndTheOthersKeepRunning();
        badEditIsRefusedAndTheRunningInputKeepsItsConfig();
        removedConfigRemovesItsInput();
        removedPluginStopsItsInputsAndFreesTheirThreads();
    }

    private void pluginDroppedIntoDeployStartsAndItsInputDelivers() throws IOException {
        writeConfig("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        Files.copy(pluginJar(), home().resolve("deploy/openphish.jar"));
        Await.until(30, "openphish plugin active", () -> manager.plugins().contains("openphish"));

        writeConfig("cybexp.source.openphish-hot.cfg", inputConfig("hot", feed.url(), "openphish-file-feed"));

        Await.until(30, "50 URLs posted", () -> raw.lines().size() == 50);
        RawReceiver.Post post = raw.posts().get(0);
        assertEquals(List.of("name", "orgid", "typetag", "timezone", "file"), post.partNames());
        assertEquals("hot", post.fields().get("name"));
        assertEquals("openphish-file-feed", post.fields().get("typetag"));
        assertEquals(Set.copyOf(lines(fixture("openphish/feed.txt"))), Set.copyOf(raw.lines()));
        Await.until(10, "delivered counted", () -> status("hot").orElseThrow().delivered() == 1);
    }

    private void updatedPluginKeepsGoingWithoutReposting() throws Exception {
        Bundle plugin = pluginBundle();
        long before = plugin.getLastModified();
        int fetchesBefore = feed.requests();
        Path jar = home().resolve("deploy/openphish.jar");
        Files.copy(pluginJar(), home().resolve("deploy/openphish.jar.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(home().resolve("deploy/openphish.jar.tmp"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
        Files.move(home().resolve("deploy/openphish.jar.tmp"), jar, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);

        Await.until(30, "plugin bundle updated", () -> pluginBundle().getLastModified() != before);
        Await.until(30, "input running again and fetched", () -> feed.requests() > fetchesBefore
                && status("hot").orElseThrow().lastSuccess() != null);
        assertEquals("nothing re-posted after the update", 1, raw.posts().size());

        feed.serve(fixture("openphish/feed.poll2.txt"));
        manager.restart(List.of("openphish"), List.of());
        Await.until(30, "poll 2 delivered", () -> raw.posts().size() == 2);
        assertEquals(Set.copyOf(lines(fixture("openphish/expected/poll2-added.txt"))),
                Set.copyOf(raw.posts().get(1).fileText().lines().toList()));
    }

    private void invalidConfigIsShownAndTheOthersKeepRunning() throws IOException {
        writeConfig("cybexp.source.openphish-broken.cfg",
                inputConfig("broken", feed.url(), "openphish-file-feed").replace("timezone = UTC",
                        "timezone = Mars/Olympus_Mons"));

        Await.until(30, "broken input shown invalid",
                () -> status("broken").map(s -> s.state() == InputState.INVALID_CONFIG).orElse(false));
        InputStatus broken = status("broken").orElseThrow();
        assertNotNull(broken.configError());
        assertTrue(broken.configError(), broken.configError().contains("timezone"));
        assertTrue(isActive(status("hot").orElseThrow()));
    }

    private void badEditIsRefusedAndTheRunningInputKeepsItsConfig() throws IOException {
        writeConfig("cybexp.source.openphish-hot.cfg", inputConfig("hot", "ftp://127.0.0.1/feed.txt",
                "openphish-file-feed"));
        Await.until(30, "bad edit refused", () -> status("hot").orElseThrow().configError() != null);
        InputStatus hot = status("hot").orElseThrow();
        assertTrue(hot.configError(), hot.configError().contains("url"));
        assertTrue(isActive(hot));

        writeConfig("cybexp.source.openphish-hot.cfg", inputConfig("hot", feed.url(), "openphish-file-feed")
                + "period = 7200\n");
        Await.until(30, "good edit applied", () -> status("hot").map(s -> s.configError() == null
                && isActive(s)).orElse(false));
    }

    private void removedConfigRemovesItsInput() throws IOException {
        Files.delete(home().resolve("etc/cybexp.source.openphish-broken.cfg"));
        Await.until(30, "broken input gone", () -> status("broken").isEmpty());
        assertTrue(status("hot").isPresent());
    }

    private void removedPluginStopsItsInputsAndFreesTheirThreads() throws IOException {
        Files.delete(home().resolve("deploy/openphish.jar"));
        Await.until(30, "plugin gone", () -> !manager.plugins().contains("openphish"));
        Await.until(10, "input waits for its plugin",
                () -> status("hot").orElseThrow().state() == InputState.PLUGIN_MISSING);
        Await.until(10, "no thread of the input left", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("cybexp-input-hot")));
        assertTrue("the plugin bundle is uninstalled", findPluginBundle().isEmpty());
    }

    // ---- helpers

    private static String inputConfig(String name, String url, String typetag) {
        return "name = " + name + "\norgid = it-org\ntypetag = " + typetag + "\ntimezone = UTC\n"
                + "url = " + url + "\nmin_interval = 0\nperiod = 3600\n";
    }

    private static boolean isActive(InputStatus status) {
        return status.state() == InputState.RUNNING || status.state() == InputState.WAITING;
    }

    private Optional<InputStatus> status(String name) {
        return manager.status().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private Bundle pluginBundle() {
        return findPluginBundle().orElseThrow();
    }

    private Optional<Bundle> findPluginBundle() {
        for (Bundle bundle : context.getBundles()) {
            if (PLUGIN_BSN.equals(bundle.getSymbolicName())) {
                return Optional.of(bundle);
            }
        }
        return Optional.empty();
    }

    /** Writes a config file atomically so FileInstall never reads half of it. */
    private void writeConfig(String file, String content) throws IOException {
        Path target = home().resolve("etc").resolve(file);
        Path tmp = target.resolveSibling(file + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path home() {
        return ContainerOptions.home(context);
    }

    private static Path pluginJar() {
        return Path.of(System.getProperty("cybexp.it.openphish"));
    }

    private static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(Path.of(System.getProperty("cybexp.it.fixtures"), name));
    }

    private static List<String> lines(byte[] text) {
        Set<String> out = new LinkedHashSet<>();
        new String(text, StandardCharsets.UTF_8).lines().map(String::trim).filter(l -> !l.isEmpty())
                .forEach(out::add);
        return List.copyOf(out);
    }
}
