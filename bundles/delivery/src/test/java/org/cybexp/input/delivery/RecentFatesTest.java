package org.cybexp.input.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.cybexp.input.core.control.DeliveryFates;
import org.junit.jupiter.api.Test;

class RecentFatesTest {

    @Test
    void remembersTheLatestFateOfABodyPerInputAndForgetsTheOldest() {
        RecentFates fates = new RecentFates(2);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        fates.deadLettered("a", "sha1", 400, "Invalid input: x", at);
        fates.delivered("a", "sha1", 201, "File uploaded successfully!", at.plusSeconds(1));
        DeliveryFates.Fate fate = fates.fate("a", "sha1").orElseThrow();
        assertEquals(DeliveryFates.State.DELIVERED, fate.state());
        assertEquals(201, fate.status());
        assertTrue(fates.fate("b", "sha1").isEmpty(), "per input");
        fates.delivered("a", "sha2", 201, "", at);
        fates.delivered("a", "sha3", 201, "", at);
        assertTrue(fates.fate("a", "sha1").isEmpty(), "the oldest went");
        assertTrue(fates.fate("a", "sha3").isPresent());
    }
}
