package org.cybexp.input.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@link InputConfig#as} reads keys by the OSGi naming rule, so one annotation can also be the metatype. */
class InputConfigTest {

    @interface Settings {
        String api__key() default "";

        boolean verify__tls() default true;

        long page_size() default 100;

        String url();
    }

    private static InputConfig config(Map<String, Object> properties) {
        return new InputConfig("misp_api", "main", "org1", "misp-api", ZoneId.of("UTC"), Duration.ofHours(1), true,
                properties);
    }

    @Test
    void elementNamesFollowTheOsgiNamingRule() throws Exception {
        Settings settings = config(Map.of("api_key", "k", "verify_tls", "false", "page.size", "5", "url", "u"))
                .as(Settings.class);

        assertEquals("k", settings.api__key());
        assertFalse(settings.verify__tls());
        assertEquals(5, settings.page_size());
        assertEquals("u", settings.url());
    }

    @Test
    void aSingleUnderscoreAlsoFindsTheKeyAsWritten() throws Exception {
        assertEquals(7, config(Map.of("page_size", "7", "url", "u")).as(Settings.class).page_size());
    }

    @Test
    void errorsNameTheKey() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> config(Map.of("page.size", "many", "url", "u")).as(Settings.class));
        assertEquals("page.size", e.key());
    }

    @Test
    void theNamingRule() {
        assertEquals("a_b", InputConfig.keyOf("a__b"));
        assertEquals("a.b", InputConfig.keyOf("a_b"));
        assertEquals("a-b", InputConfig.keyOf("a$_$b"));
        assertEquals("a$b", InputConfig.keyOf("a$$b"));
        assertEquals("ab", InputConfig.keyOf("a$b"));
    }

    @Test
    void statusErrorsCarryTheAnswersHeadersByNameInAnyCase() {
        HttpStatusException e = new HttpStatusException("429", 429, null,
                Map.of("X-Request-Limit-Interval", "259200 Seconds"));
        assertEquals("259200 Seconds", e.header("x-request-limit-interval").orElseThrow());
        assertFalse(e.header("Retry-After").isPresent());
        assertFalse(new HttpStatusException("500", 500, null).header("X").isPresent());
    }
}
