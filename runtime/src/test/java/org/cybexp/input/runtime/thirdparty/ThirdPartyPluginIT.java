package org.cybexp.input.runtime.thirdparty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cybexp.input.runtime.container.Await;
import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.runtime.container.RawReceiver;
import org.cybexp.input.testkit.LoopbackFeedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The third-party path end to end, as a plugin author walks it: generate a project from the plugin template
 * with a name never used before, build it with Maven, drop the bundle into {@code deploy/} of the running
 * distribution, add its {@code .cfg}, and see a loopback CYBEX-P {@code /raw} receive its events; then replace
 * the jar with a new version (the new code runs, nothing is posted twice) and delete it (the input is gone and
 * no instance of the plugin's classes survives in the daemon). Between the two, the template's line listener
 * keeps receiving while its configuration is edited. The steps run in order on one daemon.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThirdPartyPluginIT {

    private static final String TOKEN = "thirdparty-it-token-5b1c";
    private static final String INPUT = "thirdparty";
    private static final String LISTENER = "lines";
    private static final String TEXT = "text/plain";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fresh for every run: nothing of an earlier run (or of the template's defaults) can make it pass. */
    private final String pluginName = "tp_" + new Random().ints(6, 'a', 'z' + 1)
            .mapToObj(c -> String.valueOf((char) c)).collect(Collectors.joining());

    private Path work;
    private LoopbackFeedServer server;
    private LoopbackFeedServer.Feed feed;
    private RawReceiver raw;
    private Distribution dist;
    /** The old version's jar, copied beside the running one's instead of over it. */
    private final String oldJar = pluginName + "-1.0.0.jar";
    private Path v1;
    private Path v2;
    private int listenerPort;

    @BeforeAll
    void distributionFeedAndApi() throws Exception {
        System.out.println("ThirdPartyPluginIT: random plugin name " + pluginName);
        work = Files.createTempDirectory("cybexp-thirdparty-it");
        server = LoopbackFeedServer.start();
        feed = server.feed("/indicators.txt").serve("# indicators\na.example\nb.example\nc.example\n", TEXT);
        raw = new RawReceiver(TOKEN);
        dist = Distribution.copyOfBuilt("cybexp-thirdparty-it");
        // The shipped default input polls openphish.com: this test stays on loopback.
        Files.delete(dist.home().resolve("etc/cybexp.source.openphish-main.cfg"));
        Files.writeString(dist.home().resolve("etc/cybexp.api.cfg"),
                "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            dist.close();
        } finally {
            server.close();
            raw.close();
            Distribution.deleteTree(work);
        }
    }

    /** One scenario: each step builds on the one before, so they run as one test, never in a fixed order of tests. */
    @Test
    void aPluginFromTheArchetypeIsBuiltDeployedReplacedAndRemoved() throws Exception {
        aGeneratedProjectBuildsIntoABundleThatNeedsOnlyTheApi();
        aPollingOnlyProjectNeedsNoTrimmingAndBuildsOffline();
        droppedIntoDeployWithItsCfgItDelivers();
        aListenerKeepsReceivingWhileItsConfigurationIsEdited();
        aReplacedJarRunsTheNewCodeAndPostsNothingTwice();
        withTwoVersionsInstalledTheOlderTakesOverWhenTheNewerIsRemoved();
        aRemovedJarTakesItsInputAwayAndLeavesNothingBehind();
    }

    private void aGeneratedProjectBuildsIntoABundleThatNeedsOnlyTheApi() throws Exception {
        long began = System.nanoTime();
        PluginProject project = PluginProject.generate(new NestedMaven(work), work, pluginName);
        long generated = System.nanoTime();
        v1 = Files.copy(project.build(true), work.resolve("v1.jar"));
        long built = System.nanoTime();

        try (JarFile jar = new JarFile(v1.toFile())) {
            Manifest manifest = jar.getManifest();
            assertEquals(PluginProject.GROUP_ID + "." + pluginName,
                    manifest.getMainAttributes().getValue("Bundle-SymbolicName"));
            String imports = manifest.getMainAttributes().getValue("Import-Package");
            for (String pkg : imports.split(",(?=[a-z])")) { // the JRE's (TLS for the listener) and the API
                assertTrue(pkg.startsWith("java.") || pkg.equals("javax.net.ssl")
                        || pkg.startsWith("org.cybexp.input.api;"), imports);
            }
        }

        // Version 1.0.1: the author changes the status line, so the test can see which code runs.
        project.version("1.0.1");
        project.edit(".*(?<!Stream|Listen)Input\\.java", "return records + \" records, \"",
                "return \"v2: \" + records + \" records, \"");
        v2 = Files.copy(project.build(false), work.resolve("v2.jar"));
        String buildLog = Files.readString(project.dir().resolve("build-1.0.0.log"));
        assertTrue(buildLog.contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed")
                && buildLog.contains("in " + PluginProject.GROUP_ID + "." + pluginName + "."
                        + PluginProject.classPrefix(pluginName) + "PluginIT"),
                "the generated integration test ran in the distribution");
        System.out.printf("ThirdPartyPluginIT: generate %d ms, verify (unit and integration tests) %d ms, "
                + "package v2 %d ms%n",
                (generated - began) / 1_000_000, (built - generated) / 1_000_000,
                (System.nanoTime() - built) / 1_000_000);
    }

    /**
     * {@code -Dstreaming=false -Dlistener=false}: only the polling example is generated, and the project builds
     * with its tests as generated, offline ({@code mvn -o verify}) after the first project's online build.
     */
    private void aPollingOnlyProjectNeedsNoTrimmingAndBuildsOffline() throws Exception {
        long began = System.nanoTime();
        Path folder = Files.createDirectories(work.resolve("polling-only"));
        PluginProject project = PluginProject.generate(new NestedMaven(work), folder, pluginName + "poll",
                "-Dstreaming=false", "-Dlistener=false");
        List<String> files = project.sourceFiles();
        assertTrue(files.stream().noneMatch(f -> f.contains("Stream") || f.contains("Listen") || f.startsWith("Line")),
                files.toString());
        assertTrue(files.contains(PluginProject.classPrefix(pluginName + "poll") + "Plugin.java"), files.toString());
        assertTrue(Files.isRegularFile(project.verifyOffline()));
        System.out.printf("ThirdPartyPluginIT: polling-only project generated and verified offline in %d ms%n",
                (System.nanoTime() - began) / 1_000_000);
    }

    private void droppedIntoDeployWithItsCfgItDelivers() throws Exception {
        Distribution.Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());

        deploy(v1);
        Files.writeString(dist.home().resolve("etc/cybexp.source." + pluginName + "-" + INPUT + ".cfg"),
                "orgid = it-org\nurl = " + feed.uri() + "\nperiod = 3600\nmin_interval = 0\n");

        Await.until(60, "three indicators posted", () -> lines(INPUT).size() >= 3);
        assertEquals(List.of("a.example", "b.example", "c.example"), sorted(lines(INPUT)));
        assertEquals(INPUT, raw.posts().get(0).fields().get("name"));
        assertEquals(pluginName + "-feed", raw.posts().get(0).fields().get("typetag"));
        JsonNode status = status();
        assertEquals(pluginName, status.get("plugin").asText());
        assertEquals("3 records, 3 new", status.get("detail").asText());
    }

    /**
     * The listener lifecycle: a port-bound input whose {@code .cfg} is edited keeps receiving, because the
     * container closes the old instance (its port released) before the new one binds the same port. A sender
     * keeps sending through the edit, reconnecting when its connection is closed; every line it got an
     * {@code OK} for arrives at /raw, with the typetag of the instance that acknowledged it. While an instance
     * listens, a second bind of its port fails; so a new instance started while the old one still held the port
     * would fail its fetch, which status ({@code fetch_failures}, {@code last_error}) and the log would show.
     * (The old listener releases its port within a millisecond of the stop request, so a manager that started
     * the new runner first could still win that race here: the manager's {@code InputLifecycleOrderTest} pins
     * the order itself.)
     */
    private void aListenerKeepsReceivingWhileItsConfigurationIsEdited() throws Exception {
        listenerPort = freeLoopbackPort();
        Path cfg = dist.home().resolve("etc/cybexp.source." + pluginName + "_listen-" + LISTENER + ".cfg");
        configure(cfg, listenerConfig("lines-v1"));
        Await.until(60, "the listener bound its port",
                () -> detail(LISTENER).startsWith("listening on 127.0.0.1:" + listenerPort));
        // What makes this test meaningful: while an instance listens, no other can bind its port.
        try (ServerSocket second = new ServerSocket()) {
            assertThrows(BindException.class, () -> second.bind(loopback(listenerPort)));
        }

        List<LineSender.Ack> acks;
        int editedOn;
        try (LineSender sender = new LineSender(listenerPort)) {
            Await.until(30, "lines acknowledged before the edit", () -> sender.acks().size() >= 20);
            editedOn = sender.connection();
            configure(cfg, listenerConfig("lines-v2"));
            Await.until(60, "lines acknowledged by the edited input",
                    () -> sender.acks().stream().filter(ack -> ack.connection() > editedOn).count() >= 20);
            sender.close();
            assertEquals(null, sender.unexpected());
            acks = sender.acks();
            report(acks, sender, editedOn);
        }

        List<String> acked = acks.stream().map(LineSender.Ack::line).toList();
        Await.until(60, "every acknowledged line posted", () -> lines(LISTENER).containsAll(acked));
        Map<String, Set<String>> typetags = new HashMap<>();
        raw.posts().stream().filter(post -> LISTENER.equals(post.fields().get("name"))).forEach(post ->
                typetags.computeIfAbsent(post.fileText(), line -> new HashSet<>()).add(post.fields().get("typetag")));
        for (LineSender.Ack ack : acks) {
            String expected = ack.connection() > editedOn ? "lines-v2" : "lines-v1";
            assertTrue(typetags.get(ack.line()).contains(expected), ack + " posted as " + typetags.get(ack.line()));
        }
        JsonNode listener = status(LISTENER);
        assertEquals("RUNNING", listener.path("state").asText(), listener.toString());
        assertEquals(0, listener.path("fetch_failures").asLong(), "the edited input bound its port: " + listener);
        assertTrue(listener.path("last_error").isNull(), listener.toString());
        assertFalse(daemonLog().contains("cannot listen on"), "no bind failure logged");
    }

    /** Prints how long the listener answered nobody during the edit, and how the sender fared. */
    private static void report(List<LineSender.Ack> acks, LineSender sender, int editedOn) {
        long lastOld = acks.stream().filter(a -> a.connection() <= editedOn).mapToLong(LineSender.Ack::nanos)
                .max().orElseThrow();
        long firstNew = acks.stream().filter(a -> a.connection() > editedOn).mapToLong(LineSender.Ack::nanos)
                .min().orElseThrow();
        long closed = sender.closed().stream().filter(c -> c.connection() == editedOn)
                .mapToLong(LineSender.Closed::nanos).findFirst().orElseThrow();
        System.out.printf("ThirdPartyPluginIT: listener edit: no answer for %d ms (last OK of the old input to the "
                + "first OK of the new one; %d ms from the close of the old connection), %d refused connects, "
                + "%d BUSY, %d lines acknowledged on %d connections%n", (firstNew - lastOld) / 1_000_000,
                (firstNew - closed) / 1_000_000, sender.refusedConnects(), sender.busyAnswers(), acks.size(),
                sender.connection());
    }

    private void aReplacedJarRunsTheNewCodeAndPostsNothingTwice() throws Exception {
        feed.serve("a.example\nb.example\nc.example\nd.example\n", TEXT);

        deploy(v2);

        Await.until(60, "the new version fetched", () -> status().get("detail").asText().startsWith("v2: "));
        Await.until(60, "the listener runs the new version on its port", () -> {
            JsonNode listener = status(LISTENER);
            return "RUNNING".equals(listener.path("state").asText())
                    && listener.path("detail").asText().startsWith("listening on 127.0.0.1:" + listenerPort);
        });
        assertEquals(0, status(LISTENER).path("fetch_failures").asLong(), "the listener bound its port again");
        Await.until(30, "the new indicator posted", () -> lines(INPUT).contains("d.example"));
        assertEquals("v2: 4 records, 1 new", status().get("detail").asText());
        assertEquals(List.of("a.example", "b.example", "c.example", "d.example"), sorted(lines(INPUT)),
                "each indicator posted once, across the update");
        assertEquals(4, status().get("fetched").asLong(), "the input's counter goes on across the update");
    }

    /**
     * An update copied beside the old jar instead of over it (another file name): both bundles are installed and
     * both register the plugin. The higher version keeps running the input; when its jar is deleted, the older
     * one's service takes over and the input goes on delivering, instead of waiting for a plugin that is there.
     */
    private void withTwoVersionsInstalledTheOlderTakesOverWhenTheNewerIsRemoved() throws Exception {
        deploy(v1, oldJar);
        Await.until(30, "both versions installed", () -> daemonLog().contains("source plugin '" + pluginName
                + "' 1.0.0 is available; the one of a higher rank or version keeps running"));
        assertTrue(status().get("detail").asText().startsWith("v2: "), "the older jar does not take over");

        feed.serve("a.example\nb.example\nc.example\nd.example\ne.example\n", TEXT);
        Files.delete(dist.home().resolve("deploy/" + pluginName + ".jar"));

        Await.until(60, "the older version fetched", () -> status().get("detail").asText().equals(
                "5 records, 1 new"));
        assertEquals("WAITING", status().get("state").asText());
        Await.until(30, "the new indicator posted by the older version", () -> lines(INPUT).contains("e.example"));
        assertEquals(5, lines(INPUT).size(), "each indicator posted once, across both switches");
        assertEquals(5, status().get("fetched").asLong());
    }

    private void aRemovedJarTakesItsInputAwayAndLeavesNothingBehind() throws Exception {
        Files.delete(dist.home().resolve("deploy/" + oldJar));

        Await.until(30, "the input waits for its plugin",
                () -> "PLUGIN_MISSING".equals(status().get("state").asText()));
        long pid = dist.daemonPid().orElseThrow();
        String pluginPackage = PluginProject.GROUP_ID + "." + pluginName;
        Await.within(15).alias("no instance of the plugin's classes after a full GC")
                .untilAsserted(() -> assertEquals(List.of(), liveInstances(pid, pluginPackage)));
        assertEquals(5, lines(INPUT).size(), "nothing more posted");
    }

    // ---- helpers

    private String listenerConfig(String typetag) {
        return "orgid = it-org\ntypetag = " + typetag + "\nhost = 127.0.0.1\nport = " + listenerPort + "\n";
    }

    /** Writes a .cfg as an editor that saves atomically does: FileInstall never sees half a file. */
    private void configure(Path cfg, String content) throws IOException {
        Path staged = Files.writeString(work.resolve("staged.cfg"), content);
        Files.move(staged, cfg, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private String detail(String input) throws Exception {
        return status(input).path("detail").asText();
    }

    private String daemonLog() throws IOException {
        Path log = dist.home().resolve("log/cybexp-input.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(loopback(0));
            return probe.getLocalPort();
        }
    }

    /** Installs or updates the plugin the way an operator does: the jar appears in deploy/ at once, whole. */
    private void deploy(Path jar) throws IOException {
        deploy(jar, pluginName + ".jar");
    }

    private void deploy(Path jar, String fileName) throws IOException {
        Path staged = Files.copy(jar, work.resolve("staged.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, dist.home().resolve("deploy/" + fileName), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** The polling input in {@code status --json}. */
    private JsonNode status() throws Exception {
        return status(INPUT);
    }

    /** An input in {@code status --json}. */
    private JsonNode status(String name) throws Exception {
        Distribution.Result status = dist.cli("status", "--json");
        assertEquals(0, status.code(), status.toString());
        for (JsonNode input : JSON.readTree(status.out()).path("inputs")) {
            if (name.equals(input.path("name").asText())) {
                return input;
            }
        }
        throw new AssertionError("no input " + name + " in " + status.out());
    }

    /** The lines posted to /raw by one input. */
    private List<String> lines(String input) {
        return raw.posts().stream().filter(post -> input.equals(post.fields().get("name")))
                .flatMap(post -> post.fileText().lines()).toList();
    }

    /** The lines of the daemon's class histogram (live objects, after a full GC) naming a package. */
    private static List<String> liveInstances(long pid, String pkg) throws IOException, InterruptedException {
        return histogram(pid).lines().filter(line -> line.contains(pkg)).toList();
    }

    /** The class histogram of the daemon's live objects; {@code jcmd} runs a full GC first. */
    private static String histogram(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path out = Files.createTempFile("histogram", ".txt");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new AssertionError("jcmd failed: " + Files.readString(out));
            }
            return Files.readString(out);
        } finally {
            Files.delete(out);
        }
    }

    private static List<String> sorted(List<String> lines) {
        return lines.stream().sorted().toList();
    }
}
