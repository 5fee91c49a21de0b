package org.cybexp.input.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import} on configurations in the original module's shapes (our own data: no real token). */
class ConfigImportTest {

    private static final String PHISHTANK_KEY = "pt-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final String MISP_KEY = "misp-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    private static final String API_TOKEN = "eyJ0eXAi.test-token.signature";

    @TempDir
    Path temp;
    private Path etc;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void etc() throws IOException {
        etc = Files.createDirectories(temp.resolve("etc"));
    }

    private int importing(boolean force, Path... files) throws IOException {
        out.reset();
        err.reset();
        return new ConfigImport(etc, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(files), force);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path original(String name, String json) throws IOException {
        return Files.writeString(temp.resolve(name), json, StandardCharsets.UTF_8);
    }

    private Properties cfg(String file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(etc.resolve(file))) {
            properties.load(reader);
        }
        return properties;
    }

    private Path plugins() throws IOException {
        return original("plugin-config.json", """
                [
                  {"input_plugin_name": "phishtank", "human_name": "phishtank.com",
                   "archive_processing_typetag": "phishtank-api", "phishtank_api_key": "%s",
                   "timezone": "UTC", "orgid": "8a2f06d4-0000-4000-8000-000000000001",
                   "seconds_between_fetches": 43200},
                  {"input_plugin_name": "misp_api", "human_name": "CIRCL MISP",
                   "archive_processing_typetag": "misp-api", "orgid": "8a2f06d4-0000-4000-8000-000000000001",
                   "timezone": "Europe/Luxembourg", "seconds_between_fetches": 900,
                   "misp_url": "https://misp.example.org", "misp_key": "%s", "misp_verifycert": false,
                   "orgs": ["CIRCL", "SYNTH-CERT"]},
                  {"input_plugin_name": "websocket", "human_name": "unr honeypot",
                   "archive_processing_typetag": "unr-honeypot", "orgid": "8a2f06d4-0000-4000-8000-000000000001",
                   "timezone": "US/Pacific", "url": "ws://relay.example:3232/"}
                ]
                """.formatted(PHISHTANK_KEY, MISP_KEY));
    }

    @Test
    void writesEachInputWithTodaysKeysAndSecretsAsEnvironmentReferences() throws Exception {
        Path api = original("api-config.json", """
                {"api_srv": {"url": "https://cybex-api.example.edu:5000/api/v1.0/raw", "token": "%s"}}
                """.formatted(API_TOKEN));
        assertEquals(Cli.OK, importing(false, plugins(), api), err());

        Properties phishtank = cfg("cybexp.source.phishtank-phishtank.com.cfg");
        assertEquals("phishtank.com", phishtank.getProperty("name"));
        assertEquals("phishtank-api", phishtank.getProperty("typetag"));
        assertEquals("43200", phishtank.getProperty("period"));
        assertEquals("${env:CYBEXP_PHISHTANK_COM_APP_KEY}", phishtank.getProperty("app_key"));
        Properties misp = cfg("cybexp.source.misp_api-CIRCL_MISP.cfg");
        assertEquals("https://misp.example.org", misp.getProperty("url"));
        assertEquals("${env:CYBEXP_CIRCL_MISP_API_KEY}", misp.getProperty("api_key"));
        assertEquals("false", misp.getProperty("verify_tls"));
        assertEquals("CIRCL, SYNTH-CERT", misp.getProperty("orgs"));
        assertEquals("Europe/Luxembourg", misp.getProperty("timezone"));
        assertEquals("ws://relay.example:3232/", cfg("cybexp.source.websocket-unr_honeypot.cfg").getProperty("url"));
        Properties apiCfg = cfg("cybexp.api.cfg");
        assertEquals("https://cybex-api.example.edu:5000/api/v1.0/raw", apiCfg.getProperty("url"));
        assertEquals("${env:CYBEXP_API_TOKEN}", apiCfg.getProperty("token"));

        for (String variable : List.of("CYBEXP_PHISHTANK_COM_APP_KEY", "CYBEXP_CIRCL_MISP_API_KEY",
                "CYBEXP_API_TOKEN")) {
            assertTrue(out().contains("  " + variable + "   ("), out());
        }
        assertSecretsNowhere(out() + err());
    }

    private void assertSecretsNowhere(String printed) throws IOException {
        try (Stream<Path> files = Files.walk(etc)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file);
                for (String secret : List.of(PHISHTANK_KEY, MISP_KEY, API_TOKEN)) {
                    assertFalse(text.contains(secret), file + " holds a secret in clear");
                    assertFalse(printed.contains(secret), "a secret was printed");
                }
            }
        }
    }

    @Test
    void reportsEverySettingItCouldNotMapAndExitsWithOne() throws Exception {
        Path plugins = original("plugin-config-2.json", """
                [
                  {"input_plugin_name": "openphish", "human_name": "openphish", "orgid": "org-1",
                   "timezone": "UTC", "seconds_between_fetches": 3600, "premium_feed": true,
                   "url": "https://openphish.com/feed.txt"},
                  {"input_plugin_name": "twitter", "human_name": "tweets", "orgid": "org-1"},
                  {"input_plugin_name": "phishtank", "human_name": "pt", "seconds_between_fetches": "hourly",
                   "orgid": "org-1"}
                ]
                """);
        Path older = original("config.json", """
                {"api": {"url": "https://cybex-api.example.edu:5000", "host": "cybex-api.example.edu",
                         "port": 5000, "protocol": "https", "token": "%s"},
                 "cache": {"mongo_url": "mongodb://cache/", "db": "cache_db", "coll": "file_entries"}}
                """.formatted(API_TOKEN));
        assertEquals(Cli.ERROR, importing(false, plugins, older));
        String report = err();
        assertTrue(report.contains("not imported (4):"), report);
        assertTrue(report.contains("('openphish', openphish): premium_feed (no such setting for openphish)"), report);
        assertTrue(report.contains("plugin 'twitter' has no counterpart here; the input is left out"), report);
        assertTrue(report.contains("('pt', phishtank): seconds_between_fetches (a value this setting cannot take)"),
                report);
        assertTrue(report.contains("config.json: section cache (the input module does not use it)"), report);
        // what could be mapped is written all the same
        assertEquals("https://openphish.com/feed.txt", cfg("cybexp.source.openphish-openphish.cfg")
                .getProperty("url"));
        assertEquals("https://cybex-api.example.edu:5000/api/v1.0/raw", cfg("cybexp.api.cfg").getProperty("url"));
        assertTrue(out().contains("note: config.json: the API url had no path"), out());
        assertSecretsNowhere(out() + err());
    }

    @Test
    void refusesToReplaceAnInputOfTheSameNameUnlessForced() throws Exception {
        Files.writeString(etc.resolve("cybexp.source.phishtank-main.cfg"), "name = phishtank.com\norgid = o\n");
        Files.writeString(etc.resolve("cybexp.api.cfg"), "url = http://127.0.0.1:5000/api/v1.0/raw\ntoken =\n");
        Path plugins = plugins();
        Path api = original("api-config.json", "{\"api_srv\": {\"url\": \"https://a.example/raw\", \"token\": "
                + "\"t-123456\"}}");
        assertEquals(Cli.ERROR, importing(false, plugins, api));
        assertTrue(err().contains("input 'phishtank.com' exists already (etc/cybexp.source.phishtank-main.cfg)"),
                err());
        assertTrue(err().contains("etc/cybexp.api.cfg already has a url or token"), err());
        assertTrue(err().contains("nothing written"), err());
        assertFalse(Files.exists(etc.resolve("cybexp.source.misp_api-CIRCL_MISP.cfg")), "nothing written");
        assertEquals("http://127.0.0.1:5000/api/v1.0/raw", cfg("cybexp.api.cfg").getProperty("url"));

        assertEquals(Cli.OK, importing(true, plugins, api), err());
        assertFalse(Files.exists(etc.resolve("cybexp.source.phishtank-main.cfg")), "replaced by the imported one");
        assertEquals("${env:CYBEXP_PHISHTANK_COM_APP_KEY}", cfg("cybexp.source.phishtank-phishtank.com.cfg")
                .getProperty("app_key"));
        assertEquals("https://a.example/raw", cfg("cybexp.api.cfg").getProperty("url"));
    }

    @Test
    void readsTheDataFormOfLaterOriginalsAndTheFileOfMispFile() throws Exception {
        Path plugins = original("plugin-config.json", """
                [{"data": {"plugin": ["websocket"], "name": ["honeypot-1"], "orgid": ["org-1"],
                           "typetag": ["unr-honeypot"], "timezone": ["UTC"], "url": ["ws://127.0.0.1:3232/"]}},
                 {"input_plugin_name": "misp_file", "human_name": "misp exports", "orgid": "org-1",
                  "directory": "/srv/misp/download.json"}]
                """);
        assertEquals(Cli.OK, importing(false, plugins), err());
        Properties ws = cfg("cybexp.source.websocket-honeypot-1.cfg");
        assertEquals("ws://127.0.0.1:3232/", ws.getProperty("url"));
        assertEquals("unr-honeypot", ws.getProperty("typetag"));
        assertEquals("/srv/misp", cfg("cybexp.source.misp_file-misp_exports.cfg").getProperty("directory"));
        assertTrue(out().contains("misp_file watches its folder /srv/misp"), out());
    }

    @Test
    void usage() throws Exception {
        Invocation invocation = Invocation.parse("import", "--force", "a.json", "b.json");
        assertEquals(List.of("a.json", "b.json"), invocation.files());
        assertTrue(invocation.force());
        Invocation.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(Invocation.UsageException.class,
                () -> Invocation.parse("import"));
        assertEquals("Usage: cybexp-input import [--force] FILE...\n", e.usageToPrint());
    }
}
