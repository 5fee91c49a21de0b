package org.cybexp.input.source.misplookup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RequestPacerTest {

    @Test
    void spacesRequestsEvenlyAndDoesNotSaveUpIdleTime() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        RequestPacer pacer = new RequestPacer(4, now::get); // every 250 ms
        assertEquals(0, pacer.reserve());
        assertEquals(250_000_000L, pacer.reserve(), "the second request of the same instant waits one interval");
        assertEquals(500_000_000L, pacer.reserve());
        now.addAndGet(10_000_000_000L); // idle for 10 s
        assertEquals(0, pacer.reserve());
        assertEquals(250_000_000L, pacer.reserve(), "no burst after the idle time");
        assertEquals(0, new RequestPacer(0, now::get).reserve(), "0: no limit");
    }
}
