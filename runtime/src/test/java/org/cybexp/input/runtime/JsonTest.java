package org.cybexp.input.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The client's own JSON: what the daemon sends back, and what the client sends. */
class JsonTest {

    @Test
    void parsesADaemonAnswer() {
        Object parsed = Json.parse("{\"ok\":true,\"pid\":42,\"x\":1.5,\"inputs\":[{\"name\":\"m\\\"a\\u00e9\","
                + "\"last_error\":null}],\"plugins\":[] }");
        Map<?, ?> body = (Map<?, ?>) parsed;
        assertEquals(true, body.get("ok"));
        assertEquals(42L, body.get("pid"));
        assertEquals(1.5, body.get("x"));
        Map<?, ?> input = (Map<?, ?>) ((List<?>) body.get("inputs")).get(0);
        assertEquals("m\"aé", input.get("name"));
        assertEquals(null, input.get("last_error"));
        assertEquals(List.of(), body.get("plugins"));
    }

    @Test
    void writesWhatItParses() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", "stop");
        request.put("names", List.of("a\\b", "tab\there"));
        request.put("immediate", false);
        String text = Json.write(request);
        assertEquals("{\"command\":\"stop\",\"names\":[\"a\\\\b\",\"tab\\there\"],\"immediate\":false}", text);
        assertEquals(request, Json.parse(text));
    }

    @Test
    void refusesBrokenJson() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"ok\":tru}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"ok\":true} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"open"));
    }
}
