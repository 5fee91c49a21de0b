package org.cybexp.input.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class InputConfigRedactionTest {

    private static InputConfig config(Map<String, Object> properties) {
        return new InputConfig("openphish", "main", "org1", "t", ZoneId.of("UTC"), Duration.ofHours(1), true,
                properties);
    }

    @Test
    void aValueFromAReferenceShowsAsTheReferenceASecretKeyAsStars() {
        InputConfig config = config(Map.of("url", "https://h/feed?key=k3y-from-env", "api_key", "abc"))
                .withReferences(Map.of("url", "${file:/run/feed-url}"));
        assertEquals("GET ${file:/run/feed-url} failed; key *** refused; abcdef stays",
                config.redact("GET https://h/feed?key=k3y-from-env failed; key abc refused; abcdef stays"));
    }

    @Test
    void printedConfigurationsShowReferencesNotTheirValues() {
        InputConfig config = config(Map.of("url", "https://h/feed?key=k3y-from-env", "api_key", "abc"))
                .withReferences(Map.of("url", "${file:/run/feed-url}"));
        assertEquals("InputConfig[openphish/main {api_key=***, url=${file:/run/feed-url}}]", config.toString());
    }

    @Test
    void longTextsAreCut() {
        String shown = config(Map.of()).redact("x".repeat(1_000_000));
        assertTrue(shown.length() < 2100, "length " + shown.length());
        assertTrue(shown.endsWith("(cut, 1000000 characters)"), shown.substring(shown.length() - 40));
    }

    @Test
    void booleansAreExactlyTrueOrFalseInAnyCase() throws Exception {
        assertTrue(InputConfig.parseBoolean("k", " TRUE "));
        for (String bad : List.of("yes", "1", "on", "flase", "")) {
            assertEquals("k: must be true or false, got '" + bad + "'",
                    assertThrows(InvalidConfigException.class, () -> InputConfig.parseBoolean("k", bad)).getMessage());
        }
        assertEquals("verify_tls: must be true or false, got 'yes'", assertThrows(InvalidConfigException.class,
                () -> config(Map.of("verify_tls", "yes")).getBoolean("verify_tls", true)).getMessage());
    }

    @Test
    void warningsAndReferencesSurviveEachOther() {
        InputConfig config = config(Map.of("period", "5")).withWarnings(List.of("w")).withReferences(Map.of());
        assertEquals(List.of("w"), config.warnings());
    }
}
