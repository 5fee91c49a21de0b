package org.cybexp.input.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VerdictTest {

    @Test
    void classifiesStatuses() {
        assertEquals(Verdict.DELIVERED, Verdict.of(201));
        assertEquals(Verdict.DELIVERED, Verdict.of(200));
        assertEquals(Verdict.REFUSED, Verdict.of(400));
        assertEquals(Verdict.REFUSED, Verdict.of(413));
        assertEquals(Verdict.TOKEN_REFUSED, Verdict.of(401));
        assertEquals(Verdict.TOKEN_REFUSED, Verdict.of(403));
        assertEquals(Verdict.WRONG_ENDPOINT, Verdict.of(404));
        assertEquals(Verdict.WRONG_ENDPOINT, Verdict.of(405));
        assertEquals(Verdict.REFUSED, Verdict.of(410));
        assertEquals(Verdict.RETRY, Verdict.of(408));
        assertEquals(Verdict.RETRY, Verdict.of(429));
        assertEquals(Verdict.RETRY, Verdict.of(500));
        assertEquals(Verdict.RETRY, Verdict.of(503));
        assertEquals(Verdict.RETRY, Verdict.of(302));
    }
}
