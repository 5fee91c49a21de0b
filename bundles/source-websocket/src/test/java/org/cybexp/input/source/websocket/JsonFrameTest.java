package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonFrameTest {

    @Test
    void anObjectIsTakenAsWrittenWithoutSurroundingWhitespace() {
        String object = "{\"eventid\": \"cowrie.login.failed\",  \"n\": [1, {\"x\": null}]}";
        assertEquals(new JsonFrame(List.of(object), Optional.empty()), JsonFrame.parse("\r\n " + object + " \n"));
    }

    @Test
    void anArrayOfObjectsGivesEachObject() {
        JsonFrame frame = JsonFrame.parse("[{\"a\":1}, {\"b\":{\"c\":[2]}} ,{\"d\":\"]\"}]");
        assertEquals(List.of("{\"a\":1}", "{\"b\":{\"c\":[2]}}", "{\"d\":\"]\"}"), frame.objects());
        assertTrue(frame.problem().isEmpty());
    }

    @Test
    void escapesAndNonAsciiSurviveUnchanged() {
        String object = "{\"input\":\"\\u0000\\u202e\\ud83d\\ude00\",\"raw\":\"\u00e9\ud83d\ude00\"}";
        assertEquals(List.of(object), JsonFrame.parse(object).objects());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json at all|not valid JSON at char",
        "{\"eventid\":\"cowrie.cl|truncated JSON",
        "{}|empty JSON object",
        "{ \t }|empty JSON object",
        "[]|empty JSON array",
        "[{\"a\":1},{}]|JSON array holding an empty object",
        "[{\"a\":1},2]|JSON array holding something other than objects",
        "\"text\"|JSON value is not an object",
        "42|JSON value is not an object",
        "null|JSON value is not an object",
        "{\"a\":1} {\"b\":2}|data after the JSON value",
        "{\"a\":1}x|not valid JSON at char",
        "{'eventid': 'cowrie.login.failed'}|not valid JSON at char",
        "{\"a\":\"tab\there\"}|not valid JSON at char"})
    void otherFramesAreProblems(String text, String problem) {
        JsonFrame frame = JsonFrame.parse(text);
        assertEquals(List.of(), frame.objects());
        assertTrue(frame.problem().orElseThrow().startsWith(problem), frame.problem().get());
    }

    @Test
    void anEmptyFrameIsAProblem() {
        assertEquals(Optional.of("empty frame"), JsonFrame.parse("  ").problem());
    }

    @Test
    void theProblemNeverQuotesTheFrame() {
        JsonFrame frame = JsonFrame.parse("{\"password\": secret-value}");
        assertTrue(frame.problem().orElseThrow().startsWith("not valid JSON at char "));
        assertTrue(!frame.problem().get().contains("secret"), frame.problem().get());
    }
}
