package org.cybexp.input.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.Test;

class RateLimitWaitTest {

    private final TestClock clock = TestClock.at("2024-03-01T12:00:00Z");

    private static Function<String, Optional<String>> headers(String... nameValues) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < nameValues.length; i += 2) {
            map.put(nameValues[i], nameValues[i + 1]);
        }
        return name -> Optional.ofNullable(map.get(name));
    }

    private Duration wait(String... nameValues) {
        return RateLimitWait.of(headers(nameValues), clock).orElseThrow();
    }

    @Test
    void retryAfterInSecondsAsAnHttpDateOrAsAnEpochTime() {
        assertEquals(Duration.ofSeconds(120), wait("Retry-After", "120"));
        assertEquals(Duration.ofSeconds(90), wait("Retry-After", "Fri, 01 Mar 2024 12:01:30 GMT"));
        long epoch = clock.instant().plusSeconds(45).getEpochSecond();
        assertEquals(Duration.ofSeconds(45), wait("Retry-After", Long.toString(epoch)),
                "an epoch-looking Retry-After is a time, not 54 years");
        assertEquals(Duration.ZERO, wait("Retry-After", "Fri, 01 Mar 2024 11:00:00 GMT"));
    }

    @Test
    void resetHeadersXRateLimitAsEpochAndTheDraftsAsSeconds() {
        long epoch = clock.instant().plusSeconds(600).getEpochSecond();
        assertEquals(Duration.ofSeconds(600), wait("X-RateLimit-Reset", Long.toString(epoch)));
        assertEquals(Duration.ofSeconds(30), wait("RateLimit-Reset", "30"));
        assertEquals(Duration.ofSeconds(5), wait("Retry-After", "5", "RateLimit-Reset", "30"), "Retry-After wins");
        assertEquals(RateLimitWait.MAX, wait("Retry-After", "99999999"), "bounded");
        assertTrue(RateLimitWait.of(headers("Retry-After", "soon"), clock).isEmpty());
    }

    @Test
    void exhaustedWhenNoRequestIsLeft() {
        assertTrue(RateLimitWait.exhausted(headers("X-RateLimit-Remaining", "0")));
        assertTrue(RateLimitWait.exhausted(headers("RateLimit-Remaining", " 0")));
        assertFalse(RateLimitWait.exhausted(headers("X-RateLimit-Remaining", "3")));
        assertFalse(RateLimitWait.exhausted(headers()));
    }
}
