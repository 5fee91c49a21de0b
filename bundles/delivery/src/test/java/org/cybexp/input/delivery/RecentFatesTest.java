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
        fates.deadLettered("a", posting("sha1"), 400, "Invalid input: x", at);
        fates.delivered("a", posting("sha1"), 201, "File uploaded successfully!", at.plusSeconds(1));
        DeliveryFates.Fate fate = fates.fate("a", posting("sha1")).orElseThrow();
        assertEquals(DeliveryFates.State.DELIVERED, fate.state());
        assertEquals(201, fate.status());
        assertTrue(fates.fate("b", posting("sha1")).isEmpty(), "per input");
        fates.delivered("a", posting("sha2"), 201, "", at);
        fates.delivered("a", posting("sha3"), 201, "", at);
        assertTrue(fates.fate("a", posting("sha1")).isEmpty(), "the oldest went");
        assertTrue(fates.fate("a", posting("sha3")).isPresent());
    }

    @Test
    void theSameBodyUnderAnotherNameOrOrgHasAFateOfItsOwn() {
        RecentFates fates = new RecentFates(10);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        fates.deadLettered("a", new DeliveryFates.Posting("iocs.csv", "org1", "misp-api", "sha1"), 400, "no", at);
        assertTrue(fates.fate("a", new DeliveryFates.Posting("other.csv", "org1", "misp-api", "sha1")).isEmpty());
        assertTrue(fates.fate("a", new DeliveryFates.Posting("iocs.csv", "org2", "misp-api", "sha1")).isEmpty());
        assertEquals(DeliveryFates.State.DEAD_LETTERED,
            fates.fate("a", new DeliveryFates.Posting("iocs.csv", "org1", "misp-api", "sha1")).orElseThrow().state());
    }

    private static DeliveryFates.Posting posting(String sha256) {
        return new DeliveryFates.Posting("f.csv", "org", "misp-api", sha256);
    }
}
