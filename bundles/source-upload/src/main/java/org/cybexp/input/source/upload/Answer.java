package org.cybexp.input.source.upload;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletResponse;

/**
 * An HTTP answer with a JSON body, e.g. {@code 400 {"message": "Invalid input: typtag"}} (the API's shape).
 *
 * @param retryAfterSeconds the {@code Retry-After} to send, or 0
 * @param close whether to close the connection (the body was not read)
 */
record Answer(int status, Map<String, Object> body, long retryAfterSeconds, boolean close) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Answer message(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        return new Answer(status, body, 0, false);
    }

    static Answer of(int status, Map<String, Object> body) {
        return new Answer(status, body, 0, false);
    }

    Answer retryAfter(long seconds) {
        return new Answer(status, body, seconds, close);
    }

    Answer closing() {
        return new Answer(status, body, retryAfterSeconds, true);
    }

    String message() {
        return String.valueOf(body.getOrDefault("message", ""));
    }

    void send(HttpServletResponse response) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (retryAfterSeconds > 0) {
            response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        if (close) {
            response.setHeader("Connection", "close");
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
