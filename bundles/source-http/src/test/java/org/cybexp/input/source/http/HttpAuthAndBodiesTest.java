package org.cybexp.input.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryFetchContext;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.Test;

/** OAuth2 client credentials against a loopback token endpoint; bodies that are not what the config says. */
class HttpAuthAndBodiesTest {

    private static final String SECRET = "s3cr3t-client-value";
    private final TestClock clock = TestClock.at("2024-03-01T12:00:00Z");

    private InMemoryInputStore store(String... keyValues) throws Exception {
        InMemoryInputStore.Builder builder = InMemoryInputStore.builder(new HttpPlugin()).clock(clock)
                .property("typetag", "test-records");
        for (int i = 0; i < keyValues.length; i += 2) {
            builder.property(keyValues[i], keyValues[i + 1]);
        }
        return builder.build();
    }

    private static final String RECORDS = "{\"data\": [{\"id\": 1}, {\"id\": 2}]}";

    @Test
    void oauth2TokenIsCachedRenewedBeforeExpiryAndAfterA401() throws Exception {
        AtomicInteger tokens = new AtomicInteger();
        AtomicInteger rejectOnce = new AtomicInteger(0);
        try (FakeApi api = new FakeApi()) {
            api.route("/token", r -> {
                String client = "Basic " + Base64.getEncoder().encodeToString(("client-1:" + SECRET)
                        .getBytes(StandardCharsets.UTF_8));
                if (!client.equals(r.header("Authorization")) || !r.body().contains("grant_type=client_credentials")) {
                    return FakeApi.Answer.status(401, Map.of());
                }
                return FakeApi.Answer.json("{\"access_token\": \"tok-" + tokens.incrementAndGet()
                        + "\", \"token_type\": \"Bearer\", \"expires_in\": 600}");
            });
            api.route("/api", r -> {
                String expected = "Bearer tok-" + tokens.get();
                if (!expected.equals(r.header("Authorization")) || rejectOnce.getAndSet(0) == 1) {
                    return FakeApi.Answer.status(401, Map.of());
                }
                return FakeApi.Answer.json(RECORDS);
            });
            InMemoryInputStore store = store("url", api.uri("/api").toString(), "records", "/data",
                    "record_id", "/id", "auth", "oauth2", "oauth2_token_url", api.uri("/token").toString(),
                    "oauth2_client_id", "client-1", "oauth2_client_secret", SECRET, "oauth2_scope", "read");
            SourceInput input = store.open();
            store.fetch(input);
            assertEquals(2, store.events().size());
            assertTrue(api.requests("/token").get(0).body().contains("scope=read"));

            clock.advance(Duration.ofMinutes(5));
            store.fetch(input);
            assertEquals(1, tokens.get(), "the token is cached while valid");

            clock.advance(Duration.ofSeconds(250)); // 550 s: within the minute before expiry
            store.fetch(input);
            assertEquals(2, tokens.get(), "renewed before it expires");

            rejectOnce.set(1); // the server revoked the token
            store.fetch(input);
            assertEquals(3, tokens.get(), "renewed after a 401");
            assertEquals(2, store.events().size());
        }
    }

    @Test
    void aRejectedClientSecretIsShownClearlyAndNeverRepeated() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/token", r -> FakeApi.Answer.status(401, Map.of()));
            InMemoryInputStore store = store("url", api.uri("/api").toString(), "auth", "oauth2",
                    "oauth2_token_url", api.uri("/token").toString(), "oauth2_client_id", "client-1",
                    "oauth2_client_secret", SECRET);
            InMemoryFetchContext ctx = store.newContext();
            SourceException e = assertThrows(SourceException.class, () -> store.fetch(store.open(), ctx));
            assertTrue(e.getMessage().contains("refused the client credentials (HTTP 401)"), e.getMessage());
            assertTrue(e.getMessage().contains("oauth2_client_secret"), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET));
            assertFalse(String.valueOf(ctx.progress()).contains(SECRET));
            assertFalse(store.config().toString().contains(SECRET));
            assertTrue(api.requests("/api").isEmpty());
        }
    }

    @Test
    void basicAuthSendsTheUserAndPassword() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/api", r -> FakeApi.Answer.json(RECORDS));
            InMemoryInputStore store = store("url", api.uri("/api").toString(), "records", "/data",
                    "record_id", "/id", "auth", "basic", "username", "alice", "password", "pw-1");
            store.fetch(store.open());
            assertEquals("Basic " + Base64.getEncoder().encodeToString("alice:pw-1".getBytes(StandardCharsets.UTF_8)),
                    api.requests("/api").get(0).header("Authorization"));
        }
    }

    @Test
    void anApiKeyGoesAsItIsInTheNamedHeaderAndIsMaskedInStatus() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/api", r -> FakeApi.Answer.json(RECORDS));
            InMemoryInputStore store = store("url", api.uri("/api").toString(), "records", "/data",
                    "record_id", "/id", "auth", "apikey", "token", "otx-key-42", "token_header", "X-OTX-API-KEY");
            store.fetch(store.open());
            assertEquals("otx-key-42", api.requests("/api").get(0).header("X-OTX-API-KEY"));
            assertFalse(store.config().toString().contains("otx-key-42"));
        }
    }

    @Test
    void anHtmlPageIsAnErrorNotAnEmptyPage() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/api", r -> new FakeApi.Answer(200, "text/html", "<html>login</html>".getBytes(), Map.of()));
            InMemoryInputStore store = store("url", api.uri("/api").toString(), "records", "/data");
            SourceException e = assertThrows(SourceException.class, () -> store.fetch(store.open()));
            assertTrue(e.getMessage().contains("HTML page"), e.getMessage());
        }
    }

    @Test
    void recordsPointingAtNothingIsAnErrorNamingTheKeysThere() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/api", r -> FakeApi.Answer.json(RECORDS));
            InMemoryInputStore store = store("url", api.uri("/api").toString(), "records", "/results");
            SourceException e = assertThrows(SourceException.class, () -> store.fetch(store.open()));
            assertTrue(e.getMessage().contains("records /results points at nothing"), e.getMessage());
            assertTrue(e.getMessage().contains("top-level keys: data"), e.getMessage());
        }
    }

    @Test
    void aKeyInTheQueryIsMaskedInErrors() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/api", r -> FakeApi.Answer.status(500, Map.of()));
            InMemoryInputStore store = store("url", api.uri("/api").toString(), "query.api_key", "qkey-31337");
            Exception e = assertThrows(Exception.class, () -> store.fetch(store.open()));
            assertTrue(e.getMessage().contains("answered 500"), e.getMessage());
            assertFalse(e.getMessage().contains("qkey-31337"), e.getMessage());
            assertTrue(api.requests("/api").get(0).query().contains("api_key=qkey-31337"));
        }
    }

    @Test
    void recordsAtAStringShowTheString() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/api", r -> FakeApi.Answer.json("{\"query_status\": \"no_result\", "
                    + "\"data\": \"Your search did not yield any results\"}"));
            InMemoryInputStore store = store("url", api.uri("/api").toString(), "records", "/data");
            SourceException e = assertThrows(SourceException.class, () -> store.fetch(store.open()));
            assertTrue(e.getMessage().contains("a string (\"Your search did not yield any results\")"), e.getMessage());
        }
    }

    @Test
    void aRecordWithoutItsIdIsCountedMalformed() throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.route("/api", r -> FakeApi.Answer.json("{\"data\": [{\"id\": 1}, {\"name\": \"no id\"}]}"));
            InMemoryInputStore store = store("url", api.uri("/api").toString(), "records", "/data",
                    "record_id", "/id");
            store.fetch(store.open());
            assertEquals(1, store.events().size());
            assertEquals(1, store.malformed());
        }
    }

    @Test
    void ndjsonLinesAndGzippedCsvRowsAreRecords() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("id,ioc,note\r\n1,a.example,\"x, \"\"quoted\"\"\"\r\n2,b.example,\r\n3,bad\r\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
        try (FakeApi api = new FakeApi()) {
            api.route("/nd", r -> new FakeApi.Answer(200, "application/x-ndjson",
                    "{\"id\": 1}\n{\"id\": 2}\nnot json\n".getBytes(), Map.of()));
            api.route("/csv.gz", r -> new FakeApi.Answer(200, "application/gzip", gz.toByteArray(), Map.of()));
            InMemoryInputStore nd = store("url", api.uri("/nd").toString(), "format", "ndjson", "record_id", "/id");
            nd.fetch(nd.open());
            assertEquals(List.of("{\"id\":1}", "{\"id\":2}"), nd.eventTexts());
            assertEquals(1, nd.malformed());

            InMemoryInputStore csv = store("url", api.uri("/csv.gz").toString(), "format", "csv", "record_id", "/id");
            csv.fetch(csv.open());
            assertEquals(List.of("{\"id\":\"1\",\"ioc\":\"a.example\",\"note\":\"x, \\\"quoted\\\"\"}",
                    "{\"id\":\"2\",\"ioc\":\"b.example\",\"note\":\"\"}"), csv.eventTexts());
            assertEquals(1, csv.malformed());
        }
    }

    @Test
    void keysAreCheckedFamiliesIncludedAndATypetagIsRequired() throws Exception {
        InvalidConfigException typo = assertThrows(InvalidConfigException.class,
                () -> store("url", "http://127.0.0.1:1/", "record_idd", "/id"));
        assertTrue(typo.getMessage().contains("did you mean record_id?"), typo.getMessage());
        InvalidConfigException family = assertThrows(InvalidConfigException.class,
                () -> store("url", "http://127.0.0.1:1/", "headers.Accept", "x"));
        assertTrue(family.getMessage().contains("header.<name>"), family.getMessage());
        store("url", "http://127.0.0.1:1/", "header.Accept", "x", "query.limit", "5").open();
        InvalidConfigException noTypetag = assertThrows(InvalidConfigException.class,
                () -> InMemoryInputStore.builder(new HttpPlugin()).property("url", "http://127.0.0.1:1/").build());
        assertEquals("typetag", noTypetag.key());
        assertEquals("header.Authorization", assertThrows(InvalidConfigException.class,
                () -> store("url", "http://127.0.0.1:1/", "header.Authorization", "k").open()).key());
        assertEquals("cursor_path", assertThrows(InvalidConfigException.class,
                () -> store("url", "http://127.0.0.1:1/", "pagination", "cursor").open()).key());
    }
}
