package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ${env:NAME}} and {@code ${file:/path}} in the real distribution: they work for the sink's token and an
 * input's key, a resolved value is written nowhere under the installation folder (ConfigAdmin's store, data/,
 * log/ included) nor shown in status, and unresolvable references are errors naming them. A bad edit of a
 * running input is refused with did-you-mean and the input keeps running.
 */
class SecretsIT {

    private static final String TOKEN = "tok-env-7f3c9a1e5d";
    private static final String FEED_KEY = "feedkey-file-2b8d4e6a";
    private static final Pattern STATE = Pattern.compile("\"name\":\"main\".*?\"state\":\"([A-Z_]+)\"");

    private Distribution dist;
    private Path home;
    private FeedServer feed;
    private RawReceiver raw;

    @BeforeEach
    void distributionWithSecretsByReference() throws Exception {
        dist = Distribution.copyOfBuilt("cybexp-secrets-it");
        home = dist.home();
        feed = new FeedServer();
        feed.serve(Files.readAllBytes(Path.of(System.getProperty("cybexp.it.fixtures"), "openphish/feed.txt")));
        raw = new RawReceiver(TOKEN);
        Path feedUrl = Files.writeString(dist.elsewhere().resolve("feed-url"), feed.root() + "/feed.txt?key="
                + FEED_KEY + "\n");
        Files.writeString(home.resolve("etc/cybexp.api.cfg"), "url = " + raw.url()
                + "\ntoken = ${env:CYBEXP_IT_TOKEN}\n");
        Files.writeString(home.resolve("etc/cybexp.source.openphish-main.cfg"), "name = main\norgid = it-org\n"
                + "url = ${file:" + feedUrl + "}\nmin_interval = 0\nperiod = 3600\n");
        // a secret pointed at the wrong key, an unset variable, an unreadable file
        Files.writeString(home.resolve("etc/cybexp.source.openphish-wrongkey.cfg"), "orgid = it-org\n"
                + "period = ${env:CYBEXP_IT_TOKEN}\n");
        Files.writeString(home.resolve("etc/cybexp.source.openphish-unset.cfg"), "orgid = it-org\n"
                + "url = ${env:CYBEXP_IT_UNSET}\n");
        Files.writeString(home.resolve("etc/cybexp.source.openphish-nofile.cfg"), "orgid = it-org\n"
                + "url = ${file:/nonexistent/cybexp-feed-url}\n");
        Files.deleteIfExists(home.resolve("etc/cybexp.source.phishtank-main.cfg"));
        Files.deleteIfExists(home.resolve("etc/cybexp.source.misp_api-misp_api.cfg"));
        Files.deleteIfExists(home.resolve("etc/cybexp.source.misp_file-misp_file.cfg"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            dist.cli("stop");
        } finally {
            feed.close();
            raw.close();
            dist.close();
        }
    }

    @Test
    void referencesResolveInMemoryOnlyAndBadOnesAreNamed() throws Exception {
        assertEquals(0, startWithTokenInEnvironment().code());

        Await.until(90, "main delivered with the token from the environment and the URL from a file",
                () -> raw.lines().size() > 0);
        Await.until(60, "the three bad inputs refused", () -> {
            String status = dist.cli("status", "--json").out();
            return status.contains("CYBEXP_IT_UNSET") && status.contains("cybexp-feed-url")
                    && status.contains("\"name\":\"wrongkey\"");
        });
        String status = dist.cli("status", "--json").out();
        assertTrue(status.contains("url: refers to environment variable 'CYBEXP_IT_UNSET', which is not set"), status);
        assertTrue(status.contains("url: refers to file '/nonexistent/cybexp-feed-url', which cannot be read"), status);
        assertTrue(status.contains("period: must be a whole number, got '${env:CYBEXP_IT_TOKEN}'"), status);
        String log = Files.readString(home.resolve("log/cybexp-input.log"));
        assertTrue(log.contains("CYBEXP_IT_UNSET"), "the log names the variable too");

        Result stop = dist.cli("stop");
        assertEquals(0, stop.code(), stop.toString());
        assertFalse(status.contains(TOKEN) || status.contains(FEED_KEY), status);
        assertEquals(List.of(), filesHolding(TOKEN), "the token from the environment is on disk");
        assertEquals(List.of(), filesHolding(FEED_KEY), "the key from a file is on disk");
        assertTrue(filesHolding("${env:CYBEXP_IT_TOKEN}").stream().anyMatch(file -> file.startsWith("data")),
                "ConfigAdmin's store holds the placeholder as written");
    }

    @Test
    void aBadEditIsRefusedWithDidYouMeanAndTheRunningInputKeepsGoing() throws Exception {
        assertEquals(0, startWithTokenInEnvironment().code());
        Await.until(90, "main delivered", () -> raw.lines().size() > 0);
        Path main = home.resolve("etc/cybexp.source.openphish-main.cfg");
        Files.writeString(main, Files.readString(main) + "peroid = 600\n");

        Await.until(60, "the edit refused", () -> dist.cli("status", "--json").out().contains("did you mean period?"));
        String status = dist.cli("status", "--json").out();
        assertTrue(status.contains("peroid: is not a key of plugin openphish (did you mean period?)"), status);
        assertTrue(status.contains("the previous one keeps running"), status);
        Matcher state = STATE.matcher(status);
        assertTrue(state.find() && List.of("RUNNING", "WAITING").contains(state.group(1)), status);
    }

    private Result startWithTokenInEnvironment() throws IOException, InterruptedException {
        Path out = Files.createTempFile(dist.elsewhere(), "start", ".txt");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/cybexp-input").toString(), "start")
                .directory(dist.elsewhere().toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().remove("CYBEXP_HOME");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", "-Xmx256m");
        builder.environment().put("CYBEXP_IT_TOKEN", TOKEN);
        builder.environment().remove("CYBEXP_IT_UNSET");
        Process start = builder.start();
        assertTrue(start.waitFor(120, TimeUnit.SECONDS), "start returned");
        return new Result(start.exitValue(), Files.readString(out), "");
    }

    /** Every file under the installation folder whose bytes contain the text. */
    private List<Path> filesHolding(String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> holding = new ArrayList<>();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (contains(Files.readAllBytes(file), needle)) {
                    holding.add(home.relativize(file));
                }
            }
        }
        return holding;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
