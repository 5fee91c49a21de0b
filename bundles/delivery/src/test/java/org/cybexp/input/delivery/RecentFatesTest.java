package org.cybexp.input.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.cybexp.input.core.control.DeliveryFates;
import org.cybexp.input.delivery.store.EventHeader;
import org.junit.jupiter.api.Test;

class RecentFatesTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void remembersTheLatestFateOfABodyPerInputAndForgetsTheOldest() {
        RecentFates fates = new RecentFates(2);
        fates.keep("a");
        fates.keep("b");
        fates.deadLettered("a", header("f.csv", "org", "sha1"), 400, "Invalid input: x", AT);
        fates.delivered("a", header("f.csv", "org", "sha1"), 201, "File uploaded successfully!", AT.plusSeconds(1));
        DeliveryFates.Fate fate = fates.fate("a", posting("sha1")).orElseThrow();
        assertEquals(DeliveryFates.State.DELIVERED, fate.state());
        assertEquals(201, fate.status());
        assertTrue(fates.fate("b", posting("sha1")).isEmpty(), "per input");
        fates.delivered("a", header("f.csv", "org", "sha2"), 201, "", AT);
        fates.delivered("a", header("f.csv", "org", "sha3"), 201, "", AT);
        assertTrue(fates.fate("a", posting("sha1")).isEmpty(), "the oldest went");
        assertTrue(fates.fate("a", posting("sha3")).isPresent());
    }

    @Test
    void theSameBodyUnderAnotherNameOrOrgHasAFateOfItsOwn() {
        RecentFates fates = new RecentFates(10);
        fates.keep("a");
        fates.deadLettered("a", header("iocs.csv", "org1", "sha1"), 400, "no", AT);
        assertTrue(fates.fate("a", new DeliveryFates.Posting("other.csv", "org1", "misp-api", "sha1")).isEmpty());
        assertTrue(fates.fate("a", new DeliveryFates.Posting("iocs.csv", "org2", "misp-api", "sha1")).isEmpty());
        assertEquals(DeliveryFates.State.DEAD_LETTERED,
            fates.fate("a", new DeliveryFates.Posting("iocs.csv", "org1", "misp-api", "sha1")).orElseThrow().state());
    }

    @Test
    void keepsNoFatesOfAnInputUntilItAsks() {
        RecentFates fates = new RecentFates(10);
        fates.delivered("a", header("f.csv", "org", "sha1"), 201, "", AT);
        assertTrue(fates.fate("a", posting("sha1")).isEmpty(), "not kept before the input asked");
        fates.delivered("a", header("f.csv", "org", "sha2"), 201, "", AT);
        assertTrue(fates.fate("a", posting("sha2")).isPresent(), "asking once keeps the later ones");
        fates.deadLettered("b", header("f.csv", "org", "sha1"), 400, "no", AT);
        assertTrue(fates.fate("b", posting("sha1")).isEmpty(), "another input's not kept");
    }

    private static EventHeader header(String name, String orgid, String sha256) {
        return new EventHeader(name, orgid, "misp-api", "UTC", "application/json", sha256, 1);
    }

    private static DeliveryFates.Posting posting(String sha256) {
        return new DeliveryFates.Posting("f.csv", "org", "misp-api", sha256);
    }
}
