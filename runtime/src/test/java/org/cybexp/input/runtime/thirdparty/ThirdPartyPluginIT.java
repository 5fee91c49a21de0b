package org.cybexp.input.runtime.thirdparty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
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
 * no instance of the plugin's classes survives in the daemon). The steps run in order on one daemon.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThirdPartyPluginIT {

    private static final String TOKEN = "thirdparty-it-token-5b1c";
    private static final String INPUT = "thirdparty";
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
    private Path v1;
    private Path v2;

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
        droppedIntoDeployWithItsCfgItDelivers();
        aReplacedJarRunsTheNewCodeAndPostsNothingTwice();
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
            for (String pkg : imports.split(",(?=[a-z])")) {
                assertTrue(pkg.startsWith("java.") || pkg.startsWith("org.cybexp.input.api;"), imports);
            }
        }

        // Version 1.0.1: the author changes the status line, so the test can see which code runs.
        project.version("1.0.1");
        project.edit(".*(?<!Stream)Input\\.java", "return records + \" records, \"",
                "return \"v2: \" + records + \" records, \"");
        v2 = Files.copy(project.build(false), work.resolve("v2.jar"));
        System.out.printf("ThirdPartyPluginIT: generate %d ms, package with tests %d ms, package v2 %d ms%n",
                (generated - began) / 1_000_000, (built - generated) / 1_000_000,
                (System.nanoTime() - built) / 1_000_000);
    }

    private void droppedIntoDeployWithItsCfgItDelivers() throws Exception {
        Distribution.Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());

        deploy(v1);
        Files.writeString(dist.home().resolve("etc/cybexp.source." + pluginName + "-" + INPUT + ".cfg"),
                "orgid = it-org\nurl = " + feed.uri() + "\nperiod = 3600\nmin_interval = 0\n");

        Await.until(60, "three indicators posted", () -> raw.lines().size() >= 3);
        assertEquals(List.of("a.example", "b.example", "c.example"), sorted(raw.lines()));
        assertEquals(INPUT, raw.posts().get(0).fields().get("name"));
        assertEquals(pluginName + "-feed", raw.posts().get(0).fields().get("typetag"));
        JsonNode status = status();
        assertEquals(pluginName, status.get("plugin").asText());
        assertEquals("3 records, 3 new", status.get("detail").asText());
    }

    private void aReplacedJarRunsTheNewCodeAndPostsNothingTwice() throws Exception {
        feed.serve("a.example\nb.example\nc.example\nd.example\n", TEXT);

        deploy(v2);

        Await.until(60, "the new version fetched", () -> status().get("detail").asText().startsWith("v2: "));
        Await.until(30, "the new indicator posted", () -> raw.lines().contains("d.example"));
        assertEquals("v2: 4 records, 1 new", status().get("detail").asText());
        assertEquals(List.of("a.example", "b.example", "c.example", "d.example"), sorted(raw.lines()),
                "each indicator posted once, across the update");
    }

    private void aRemovedJarTakesItsInputAwayAndLeavesNothingBehind() throws Exception {
        Files.delete(dist.home().resolve("deploy/" + pluginName + ".jar"));

        Await.until(30, "the input waits for its plugin",
                () -> "PLUGIN_MISSING".equals(status().get("state").asText()));
        long pid = dist.daemonPid().orElseThrow();
        String pluginPackage = PluginProject.GROUP_ID + "." + pluginName;
        Await.within(15).alias("no instance of the plugin's classes after a full GC")
                .untilAsserted(() -> assertEquals(List.of(), liveInstances(pid, pluginPackage)));
        assertEquals(4, raw.lines().size(), "nothing more posted");
    }

    // ---- helpers

    /** Installs or updates the plugin the way an operator does: the jar appears in deploy/ at once, whole. */
    private void deploy(Path jar) throws IOException {
        Path staged = Files.copy(jar, work.resolve("staged.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, dist.home().resolve("deploy/" + pluginName + ".jar"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** This test's input in {@code status --json}. */
    private JsonNode status() throws Exception {
        Distribution.Result status = dist.cli("status", "--json");
        assertEquals(0, status.code(), status.toString());
        for (JsonNode input : JSON.readTree(status.out()).path("inputs")) {
            if (INPUT.equals(input.path("name").asText())) {
                return input;
            }
        }
        throw new AssertionError("no input " + INPUT + " in " + status.out());
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
