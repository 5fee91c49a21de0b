package ${package};

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.LoopbackFeedServer;
import org.cybexp.input.testkit.LoopbackRawApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built bundle in a real cybexp-input (the distribution unpacked by {@code mvn verify}, named by the system
 * property {@code cybexp.dist}): dropped into {@code deploy/} with an input's {@code .cfg}, it fetches a feed
 * from a loopback server and the container posts its records to a loopback CYBEX-P {@code /raw}; the jar
 * deleted, the input waits for its plugin. Nothing leaves 127.0.0.1.
 */
class ${classPrefix}PluginIT {

    private static final String TOKEN = "it-token";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private LoopbackFeedServer feeds;
    private LoopbackRawApi api;
    private Distribution dist;

    @BeforeEach
    void container() throws Exception {
        feeds = LoopbackFeedServer.start();
        api = new LoopbackRawApi(TOKEN);
        dist = Distribution.copyOfBuilt("${pluginName}-it");
        // The shipped default input polls openphish.com: this test stays on loopback.
        Files.deleteIfExists(dist.home().resolve("etc/cybexp.source.openphish-main.cfg"));
        dist.configure("cybexp.api.cfg", "url = " + api.url() + "\ntoken = " + TOKEN + "\n");
    }

    @AfterEach
    void stop() throws Exception {
        try {
            dist.close(); // stops the daemon, deletes the copy
        } finally {
            api.close();
            feeds.close();
        }
    }

    @Test
    void theDeployedBundlePostsEachIndicatorOnceAndItsRemovalStopsTheInput() throws Exception {
        LoopbackFeedServer.Feed feed = feeds.feed("/indicators.txt").serve("a.example\nb.example\n", "text/plain");
        Path jar = dist.deploy(Path.of(System.getProperty("cybexp.plugin.jar")));
        dist.configure("cybexp.source.${pluginName}-it.cfg", "orgid = it-org\nurl = " + feed.uri() + "\n");

        Distribution.Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());

        await().atMost(DEADLINE).until(() -> postedTexts().size() >= 2);
        assertEquals(List.of("a.example", "b.example"), postedTexts().stream().sorted().toList());
        assertEquals("${pluginName}-feed", api.posts().get(0).fields().get("typetag"));

        Files.delete(jar);
        await().atMost(DEADLINE).until(() -> status().contains("\"state\":\"PLUGIN_MISSING\""));
        assertTrue(status().contains("\"name\":\"it\""), status());
    }

    private List<String> postedTexts() {
        return api.posts().stream().filter(post -> "it".equals(post.fields().get("name")))
                .map(LoopbackRawApi.Post::fileText).toList();
    }

    private String status() throws Exception {
        Distribution.Result status = dist.cli("status", "--json", "-n", "it");
        assertEquals(0, status.code(), status.toString());
        return status.out();
    }
}
