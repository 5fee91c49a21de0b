package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/**
 * {@code cybexp-input import} end to end on a copy of the built distribution: the original module's
 * configuration (our own files in its shape, every URL on loopback) becomes etc/ files without a secret in
 * them, a second import is refused until {@code --force}, and the daemon started with the printed variables
 * set accepts every imported input (none is INVALID_CONFIG) and posts with the imported token.
 */
class ImportCliIT {

    private static final String TOKEN = "import-it-api-token-91ab";
    private static final String PHISHTANK_KEY = "import-it-phishtank-key-4242";
    private static final String MISP_KEY = "import-it-misp-key-0123456789abcdef";

    private Distribution dist;
    private RawReceiver raw;
    private HttpServer peer;
    private Path originals;

    @BeforeEach
    void distributionAndOriginals() throws Exception {
        dist = Distribution.copyOfBuilt("cybexp-import-it");
        // the shipped OpenPhish input would fetch from the internet
        Files.delete(dist.home().resolve("etc/cybexp.source.openphish-main.cfg"));
        raw = new RawReceiver(TOKEN);
        // a peer that answers every fetch with a 404: the imported inputs run and back off, nothing leaves the host
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peer.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        peer.start();
        String base = "http://127.0.0.1:" + peer.getAddress().getPort();
        originals = Files.createDirectories(dist.elsewhere().resolve("config"));
        Files.writeString(originals.resolve("plugin-config.json"), """
                [
                  {"input_plugin_name": "phishtank", "human_name": "phishtank.com",
                   "archive_processing_typetag": "phishtank-api", "phishtank_api_key": "%s",
                   "url": "%s/data/{app_key}/online-valid.json", "timezone": "UTC",
                   "orgid": "org-import-it", "seconds_between_fetches": 3600},
                  {"input_plugin_name": "misp-api", "human_name": "misp", "archive_processing_typetag": "misp-api",
                   "orgid": "org-import-it", "timezone": "UTC", "seconds_between_fetches": 900,
                   "misp_url": "%s", "misp_key": "%s", "misp_verifycert": false, "orgs": ["CIRCL"]},
                  {"input_plugin_name": "websocket", "human_name": "honeypot", "orgid": "org-import-it",
                   "archive_processing_typetag": "unr-honeypot", "timezone": "US/Pacific",
                   "url": "ws://127.0.0.1:%d/"},
                  {"input_plugin_name": "openphish", "human_name": "openphish feed", "orgid": "org-import-it",
                   "timezone": "UTC", "seconds_between_fetches": 3600, "url": "%s/feed.txt",
                   "email_alerts": "soc@example.org"}
                ]
                """.formatted(PHISHTANK_KEY, base, base, MISP_KEY, peer.getAddress().getPort(), base),
                StandardCharsets.UTF_8);
        Files.writeString(originals.resolve("api-config.json"), "{\"api_srv\": {\"url\": \"" + raw.url()
                + "\", \"token\": \"" + TOKEN + "\"}}", StandardCharsets.UTF_8);
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            dist.close();
        } finally {
            raw.close();
            peer.stop(0);
        }
    }

    @Test
    void importsTheOriginalConfigurationAndTheDaemonRunsIt() throws Exception {
        Path plugins = originals.resolve("plugin-config.json");
        Path api = originals.resolve("api-config.json");
        Result imported = dist.cli("import", plugins.toString(), api.toString());
        assertEquals(1, imported.code(), "email_alerts is left out: " + imported);
        assertTrue(imported.err().contains("('openphish_feed', openphish): email_alerts (no such setting for "
                + "openphish)"), imported.toString());
        for (String file : List.of("cybexp.source.phishtank-phishtank.com.cfg", "cybexp.source.misp_api-misp.cfg",
                "cybexp.source.websocket-honeypot.cfg", "cybexp.source.openphish-openphish_feed.cfg",
                "cybexp.api.cfg")) {
            assertTrue(imported.out().contains("wrote etc/" + file), imported.toString());
        }
        List<String> variables = List.of("CYBEXP_PHISHTANK_COM_APP_KEY", "CYBEXP_MISP_API_KEY", "CYBEXP_API_TOKEN");
        variables.forEach(v -> assertTrue(imported.out().contains("  " + v + " "), imported.toString()));
        assertNoSecretIn(imported.out() + imported.err());
        assertNoSecretOnDisk();

        Result again = dist.cli("import", plugins.toString(), api.toString());
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().contains("input 'misp' exists already (etc/cybexp.source.misp_api-misp.cfg)"),
                again.toString());
        assertTrue(again.err().contains("etc/cybexp.api.cfg already has a url or token"), again.toString());
        Result forced = dist.cli("import", "--force", plugins.toString());
        assertEquals(1, forced.code(), "still reports email_alerts: " + forced);
        assertFalse(forced.err().contains("exists already"), forced.toString());

        List<String> command = new ArrayList<>(List.of("env", "CYBEXP_PHISHTANK_COM_APP_KEY=" + PHISHTANK_KEY,
                "CYBEXP_MISP_API_KEY=" + MISP_KEY, "CYBEXP_API_TOKEN=" + TOKEN,
                dist.home().resolve("bin/cybexp-input").toString(), "start"));
        Result start = dist.run(command);
        assertEquals(0, start.code(), start.toString());
        for (String name : List.of("phishtank.com", "misp", "honeypot", "openphish_feed")) {
            Await.within(60).alias(name + " checked").until(() -> state(name).filter(s -> !s.equals("STOPPED")
                    && !s.equals("STARTING")).isPresent());
            String state = state(name).orElseThrow();
            assertFalse(state.equals("INVALID_CONFIG") || state.equals("PLUGIN_MISSING"), name + ": " + state
                    + "\n" + dist.cli("status", "-n", name).out());
        }
        assertNoSecretIn(dist.cli("status", "--json").out());
        // stopped first: a running daemon renames its temporary state files while the walk reads them
        assertEquals(0, dist.cli("stop").code(), "stop");
        assertNoSecretOnDisk();
    }

    private java.util.Optional<String> state(String name) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("\"name\":\"" + Pattern.quote(name) + "\".*?\"state\":\"([A-Z_]+)\"")
                .matcher(dist.cli("status", "--json").out());
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    private static void assertNoSecretIn(String text) {
        for (String secret : List.of(TOKEN, PHISHTANK_KEY, MISP_KEY)) {
            assertFalse(text.contains(secret), "a secret was shown");
        }
    }

    /** Nowhere in the installation: not in etc/, not in ConfigAdmin's store under data/, not in the log. */
    private void assertNoSecretOnDisk() throws IOException {
        try (Stream<Path> files = Files.walk(dist.home())) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".jar"))
                    .toList()) {
                byte[] bytes = Files.readAllBytes(file);
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                for (String secret : List.of(TOKEN, PHISHTANK_KEY, MISP_KEY)) {
                    assertFalse(text.contains(secret), file + " holds a secret");
                }
            }
        }
    }
}
