package org.cybexp.input.source.misplookup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class TypeGuessTest {

    @Test
    void guessesMispTypesFromValues() {
        assertEquals(List.of("ip-src", "ip-dst"), TypeGuess.of("198.51.100.7"));
        assertEquals(List.of("ip-src", "ip-dst"), TypeGuess.of("2001:db8::1"));
        assertEquals(List.of("domain", "hostname"), TypeGuess.of("evil.example"));
        assertEquals(List.of("hostname", "domain"), TypeGuess.of("www.evil.example"));
        assertEquals(List.of("url"), TypeGuess.of("https://evil.example/a?b=c"));
        assertEquals(List.of("email-src", "email-dst"), TypeGuess.of("phish@evil.example"));
        assertEquals(List.of("md5"), TypeGuess.of("d41d8cd98f00b204e9800998ecf8427e"));
        assertEquals(List.of("sha1"), TypeGuess.of("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        assertEquals(List.of("sha256"),
                TypeGuess.of("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assertEquals(List.of(), TypeGuess.of("not a value"));
        assertEquals(List.of(), TypeGuess.of("999.1.1.1"));
    }
}
