package org.cybexp.input.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SecretMaskTest {

    @Test
    void masksWholeValuesOnlySoAShortSecretNeverManglesOtherText() {
        Secret tok = Secret.of("tok");
        assertEquals("Invalid/missing token", tok.mask("Invalid/missing token"));
        assertEquals("token *** refused", tok.mask("token tok refused"));
        assertEquals("https://h/data/***/online.json?k=***", Secret.of("k3y").mask("https://h/data/k3y/online.json?k=k3y"));
    }

    @Test
    void anEmptySecretMasksNothing() {
        assertEquals("text", Secret.of("").mask("text"));
    }
}
