package org.cybexp.input.runtime.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
import org.osgi.framework.BundleContext;

/**
 * The PhishTank plugin in the real runtime, against a loopback server serving the dump and a loopback /raw:
 * a truncated dump is an error that posts nothing, the good dump posts every record once, and neither a restart
 * of the input nor the same dump as gzip posts any record again. The app key never shows in status.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PhishTankIT {

    private static final String TOKEN = "it-token-pt";
    private static final String KEY = "it-app-key-5e1d9";
    private static final String BZ2 = "application/x-bzip2";

    private FeedServer feed;
    private RawReceiver raw;

    @Inject
    private PluginManager manager;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        return ContainerOptions.boot("phishtank");
    }

    @Before
    public void servers() throws IOException {
        feed = new FeedServer();
        raw = new RawReceiver(TOKEN);
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
    public void aDumpIsRefusedWhenCutThenPostedOnceThroughRestartsAndFormats() throws Exception {
        aTruncatedDumpIsAnErrorAndPostsNothing();
        theGoodDumpPostsEveryRecordOnceAsJson();
        aRestartAndTheSameDumpAsGzipPostNothingAgain();
    }

    private void aTruncatedDumpIsAnErrorAndPostsNothing() throws IOException {
        feed.serve(fixture("phishtank/truncated.json.bz2"), BZ2);
        writeConfig("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        Path home = ContainerOptions.home(context);
        Files.copy(Path.of(System.getProperty("cybexp.it.phishtank")), home.resolve("deploy/phishtank.jar"));
        Await.until(30, "phishtank plugin active", () -> manager.plugins().contains("phishtank"));
        writeConfig("cybexp.source.phishtank-pt.cfg", "name = pt\norgid = it-org\ntimezone = UTC\nperiod = 3600\n"
                + "min_interval = 0\napp_key = " + KEY + "\nurl = " + feed.root()
                + "/data/{app_key}/online-valid.json.bz2\n");

        Await.until(30, "the bad dump is reported", () -> status().map(s -> s.lastError() != null).orElse(false));
        InputStatus status = status().orElseThrow();
        assertEquals(InputState.BACKING_OFF, status.state());
        assertFalse("the key is masked: " + status.lastError(), status.lastError().contains(KEY));
        assertEquals(0, raw.posts().size());
    }

    private void theGoodDumpPostsEveryRecordOnceAsJson() throws Exception {
        feed.serve(fixture("phishtank/online-valid.json.bz2"), BZ2);
        manager.restart(List.of(), List.of("pt"));

        Await.until(60, "50 records posted", () -> raw.posts().size() == 50);
        Set<String> ids = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        for (RawReceiver.Post post : raw.posts()) {
            assertEquals("phishtank-api", post.fields().get("typetag"));
            assertEquals("pt", post.fields().get("name"));
            JsonNode record = json.readTree(post.file());
            ids.add(record.get("phish_id").asText());
        }
        assertEquals("each record once", 50, ids.size());
        Await.until(30, "the fetch succeeded", () -> status().orElseThrow().lastSuccess() != null);
    }

    private void aRestartAndTheSameDumpAsGzipPostNothingAgain() throws Exception {
        int requests = feed.requests();
        java.time.Instant edited = java.time.Instant.now();
        feed.serve(fixture("phishtank/online-valid.json.gz"), "application/gzip");
        writeConfig("cybexp.source.phishtank-pt.cfg", "name = pt\norgid = it-org\ntimezone = UTC\nperiod = 3600\n"
                + "min_interval = 0\napp_key = " + KEY + "\nformat = gz\nurl = " + feed.root()
                + "/data/{app_key}/online-valid.json.gz\n");

        Await.until(30, "fetched again", () -> feed.requests() > requests);
        Await.until(30, "the new fetch succeeded", () -> status().map(s -> s.state() == InputState.WAITING
                && s.lastSuccess() != null && s.lastSuccess().isAfter(edited)).orElse(false));
        assertEquals("50 records, 0 new", status().orElseThrow().detail());
        assertEquals("nothing posted twice", 50, raw.posts().size());
        assertTrue(status().orElseThrow().configError() == null);
    }

    private Optional<InputStatus> status() {
        return manager.status().stream().filter(s -> s.name().equals("pt")).findFirst();
    }

    private static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(Path.of(System.getProperty("cybexp.it.fixtures"), name));
    }

    private void writeConfig(String file, String content) throws IOException {
        Path target = ContainerOptions.home(context).resolve("etc").resolve(file);
        Path tmp = target.resolveSibling(file + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
