package org.cybexp.input.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.cybexp.input.testkit.LoopbackRawApi.Outcome;
import org.cybexp.input.testkit.LoopbackRawApi.Post;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test receiver itself: it must judge forms as the API does, and its faults must be the real thing. */
class LoopbackRawApiTest {

    private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl";
    private static final String BOUNDARY = "d3b07384d113edec49eaa6238ad5ff00";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final LoopbackRawApi api;

    LoopbackRawApiTest() throws IOException {
        api = new LoopbackRawApi(TOKEN);
    }

    @AfterEach
    void close() {
        api.close();
    }

    @Test
    void acceptsTheApisExampleRequestAndKeepsTheExactBytes() throws Exception {
        byte[] file = "{\"eventid\": \"cowrie.login.failed\"}\r\n\u00e9\r\n--not-a-boundary".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> answer = post("Bearer " + TOKEN, form(List.of("name", "orgid", "typetag", "timezone"), file));

        assertEquals(201, answer.statusCode());
        assertEquals("{\"message\": \"File uploaded successfully!\"}", answer.body());
        Post post = api.posts().get(0);
        assertEquals(List.of("name", "orgid", "typetag", "timezone", "file"), post.partNames());
        assertEquals(Map.of("name", "UNR Cowrie Honeypot", "orgid", "org1", "typetag", "cowrie", "timezone",
                "US/Pacific"), post.fields());
        assertArrayEquals(file, post.file());
        assertEquals("file", post.part("file").filename());
        assertEquals("application/json", post.part("file").contentType());
        assertEquals("Bearer " + TOKEN, post.authorization());
    }

    @Test
    void refusesWhatTheApiRefuses() throws Exception {
        byte[] file = "x".getBytes(StandardCharsets.UTF_8);
        assertAnswer(400, "Invalid input: typtag", post("Bearer " + TOKEN,
                form(List.of("name", "orgid", "typtag"), file)));
        assertAnswer(400, "Invalid input: KeyError('orgid') 'orgid'!", post("Bearer " + TOKEN,
                form(List.of("name", "typetag"), file)));
        assertAnswer(400, "Invalid or missing file!", post("Bearer " + TOKEN,
                form(List.of("name", "orgid", "typetag"), null)));
        assertAnswer(401, "Invalid/missing token in auth header!", post("Bearer wrong",
                form(List.of("name", "orgid", "typetag"), file)));
        assertAnswer(401, "Token must be of type Bearer!", post(TOKEN, form(List.of("name", "orgid", "typetag"), file)));
        byte[] fileFirst = (part("file", file, "file") + part("name", "n".getBytes(), null) + part("orgid",
                "o".getBytes(), null) + part("typetag", "t".getBytes(), null) + "--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertAnswer(400, "Invalid input: file is not the last part", post("Bearer " + TOKEN, fileFirst));

        api.refuse(p -> p.fields().get("name").equals("bad"));
        assertAnswer(400, "Invalid input: typetag", post("Bearer " + TOKEN, badForm(file)));
        assertEquals(List.of(), api.posts());
        assertEquals(1, api.refusedPosts().size());
    }

    @Test
    void readsChunkedBodies() throws Exception {
        byte[] body = form(List.of("name", "orgid", "typetag"), "chunked".getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.url()))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();

        assertEquals(201, client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals("chunked", api.posts().get(0).fileText());
    }

    @Test
    void faultsHappenInOrderAndAreLogged() throws Exception {
        byte[] body = form(List.of("name", "orgid", "typetag"), "r".getBytes(StandardCharsets.UTF_8));
        api.failNext(1, 429, "7").resetNext(1).passNext(1).slowNext(1, Duration.ofMillis(300));

        HttpResponse<String> limited = post("Bearer " + TOKEN, body);
        assertEquals(429, limited.statusCode());
        assertEquals("7", limited.headers().firstValue("Retry-After").orElseThrow());
        assertThrows(IOException.class, () -> post("Bearer " + TOKEN, body), "reset in the middle of the request");
        assertEquals(201, post("Bearer " + TOKEN, body).statusCode());
        long began = System.nanoTime();
        assertEquals(201, post("Bearer " + TOKEN, body).statusCode());
        assertTrue(System.nanoTime() - began >= 300_000_000L, "the slow answer came late");

        assertEquals(List.of(Outcome.FAILED, Outcome.RESET, Outcome.ACCEPTED, Outcome.ACCEPTED),
                api.exchanges().stream().map(LoopbackRawApi.Exchange::outcome).toList());
        assertEquals(2, api.posts().size());
        assertEquals(2, api.acceptedCount());
        assertEquals(0, api.faultsPending());
    }

    @Test
    void downRefusesConnectionsAndUpListensOnTheSamePortAgain() throws Exception {
        byte[] body = form(List.of("name", "orgid", "typetag"), "r".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, post("Bearer " + TOKEN, body).statusCode()); // a keep-alive connection is open

        api.down();

        assertTrue(api.isDown());
        assertThrows(ConnectException.class, () -> new java.net.Socket("127.0.0.1", api.port()).close());
        api.up();
        // a new client: the old one's pooled connection was dropped by down()
        HttpRequest again = HttpRequest.newBuilder(URI.create(api.url())).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        assertEquals(201, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(again, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(2, api.posts().size());
    }

    private HttpResponse<String> post(String authorization, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.url())).header("Authorization", authorization)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAnswer(int status, String message, HttpResponse<String> answer) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertEquals("{\"message\": \"" + message + "\"}", answer.body());
    }

    /** The API's example request: the text parts given, then the file part (if any) last. */
    private static byte[] form(List<String> names, byte[] file) {
        Map<String, String> values = Map.of("name", "UNR Cowrie Honeypot", "orgid", "org1", "typetag", "cowrie",
                "typtag", "cowrie", "timezone", "US/Pacific");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : names) {
            out.writeBytes(part(name, values.get(name).getBytes(StandardCharsets.UTF_8), null)
                    .getBytes(StandardCharsets.ISO_8859_1));
        }
        if (file != null) {
            out.writeBytes(part("file", file, "file").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static byte[] badForm(byte[] file) {
        return new String(form(List.of("name", "orgid", "typetag"), file), StandardCharsets.ISO_8859_1)
                .replace("UNR Cowrie Honeypot", "bad").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One part as ISO-8859-1 text (byte-preserving); a file part gets a file name and a content type. */
    private static String part(String name, byte[] body, String filename) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"\r\nContent-Type: application/json")
                + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1) + "\r\n";
    }
}
