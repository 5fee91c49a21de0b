package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.HasAuthentication;
import org.openqa.selenium.UsernameAndPassword;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The web console in headless Chromium against a copy of the built distribution, on a web server port of its
 * own: log in with the generated password, see the inputs, stop and start one, a refused edit, a dead letter
 * replayed; and a {@code /metrics} scrape that matches {@code status --json}. No secret (the API token, a MISP
 * key, the metrics token, the console password) is in any page, form or metric.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {

    private static final String API_TOKEN = "console-it-api-token-3f9a";
    private static final String MISP_KEY = "console-it-misp-key-77b1";
    private static final String METRICS_TOKEN = "console-it-metrics-token-c40e";
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Distribution dist;
    private FeedServer feed;
    private RawReceiver raw;
    /** The openphish plugin posts the new URLs of a fetch as one record: each input makes one post. */
    private final int postsPerInput = 1;
    private int port;
    private String password;

    @BeforeAll
    void daemonWithTwoInputsOnAFreeWebPort() throws Exception {
        dist = Distribution.copyOfBuilt("cybexp-console-it");
        Path fixture = Path.of(System.getProperty("cybexp.it.fixtures")).resolve("openphish/feed.txt");
        feed = new FeedServer();
        feed.serve(Files.readAllBytes(fixture));
        raw = new RawReceiver(API_TOKEN);
        raw.refuse(post -> "refused".equals(post.fields().get("name")));
        Path etc = dist.home().resolve("etc");
        port = dist.httpPort();
        Files.writeString(etc.resolve("cybexp.api.cfg"), "url = " + raw.url() + "\ntoken = " + API_TOKEN + "\n");
        Files.writeString(etc.resolve("cybexp.metrics.cfg"), "token = " + METRICS_TOKEN + "\n");
        Files.writeString(etc.resolve("cybexp.source.misp_api-misp_api.cfg"), "name = misp_api\nenabled = false\n"
                + "orgid = it-org\nurl = https://misp.example.org\napi_key = " + MISP_KEY + "\n");
        Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());
        Path passwordFile = dist.home().resolve("data/console-password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
        password = Files.readString(passwordFile).strip();
        Result where = dist.cli("console-password");
        assertTrue(where.out().contains(passwordFile.toString()) && where.out().contains(":" + port + "/"),
                where.toString());
        assertFalse(where.out().contains(password), "console-password shows where, not the password");
        // The web stack starts at level 4, after the inputs: it comes up shortly after start returned.
        Await.until(60, "the web console answers after boot", () -> {
            try {
                return get("/system/console/cybexp-inputs/status.json", "admin", password).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
        // The inputs come once /metrics observes deliveries (its request-duration histogram counts from then on).
        for (String name : List.of("main", "refused")) {
            Files.writeString(etc.resolve("cybexp.source.openphish-" + name + ".cfg"), "name = " + name
                    + "\norgid = it-org\ntypetag = openphish-file-feed\nurl = " + feed.url()
                    + "\nmin_interval = 0\nperiod = 3600\n");
        }
        try {
            Await.until(60, "main delivered its feed, refused dead-lettered it", () -> {
                JsonNode now = status();
                return count(now, "main", "delivered") == postsPerInput
                        && count(now, "refused", "dead_letters") == postsPerInput;
            });
        } catch (RuntimeException e) {
            System.out.println("ConsoleIT: status " + dist.cli("status", "--json").out() + "\nlog:\n"
                    + Files.readString(dist.home().resolve("log/cybexp-input.log")));
            throw e;
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            if (dist != null) {
                dist.close();
            }
        } finally {
            feed.close();
            raw.close();
        }
    }

    @Test
    void noDefaultLoginAndOnlyTheGeneratedOne() throws Exception {
        assertEquals(401, get("/system/console/bundles", "admin", "admin").statusCode());
        assertEquals(200, get("/system/console/bundles", "admin", password).statusCode());
        assertEquals(401, get("/system/console/cybexp-inputs/status.json", null, null).statusCode());
    }

    /** One browser session: each step builds on the one before. */
    @Test
    void inTheBrowser() throws Exception {
        WebDriver browser = chromium();
        try {
            long began = System.nanoTime();
            // the browser answers the console's Basic challenge (the login dialog) with the generated password
            ((HasAuthentication) browser).register(UsernameAndPassword.of("admin", password));
            browser.get("http://127.0.0.1:" + port + "/system/console/cybexp-inputs");
            waitForState(browser, "main", s -> !s.equals("-"));
            System.out.println("ConsoleIT: login to a filled table in " + (System.nanoTime() - began) / 1_000_000
                    + " ms");
            assertTrue(rowText(browser, "refused").contains("openphish"), rowText(browser, "refused"));
            noSecretIn(browser.getPageSource(), "the inputs page");
            screenshot(browser);

            stopAndStart(browser);
            refusedEditKeepsTheInputRunning(browser);
            secretsStayOutOfForms(browser);
            replayADeadLetter(browser);
            aNewInputFromTheForm(browser);
            otherConsolePagesShowNoSecret(browser);
        } finally {
            browser.quit();
        }
    }

    private void stopAndStart(WebDriver browser) throws Exception {
        row(browser, "main").findElement(By.cssSelector("button[data-action=stop]")).click();
        waitForState(browser, "main", "STOPPED"::equals);
        assertEquals("STOPPED", input(status(), "main").path("state").asText(), "the CLI sees it stopped");
        row(browser, "main").findElement(By.cssSelector("button[data-action=start]")).click();
        waitForState(browser, "main", s -> s.equals("WAITING") || s.equals("RUNNING"));
    }

    private void refusedEditKeepsTheInputRunning(WebDriver browser) throws Exception {
        Path file = dist.home().resolve("etc/cybexp.source.openphish-main.cfg");
        String before = Files.readString(file);
        row(browser, "main").findElement(By.cssSelector("a[data-action=edit]")).click();
        WebElement period = Await.within(10).until(() -> browser.findElement(By.id("f-period")), e -> e != null);
        assertEquals("3600", period.getAttribute("value"));
        period.clear();
        period.sendKeys("abc");
        browser.findElement(By.id("cybexp-save")).click();
        WebElement message = browser.findElement(By.id("cybexp-form-message"));
        Await.until(10, "the refusal shown", () -> message.getText().contains("refused"));
        assertTrue(message.getText().contains("period") && message.getText().contains("abc"), message.getText());
        assertEquals(before, Files.readString(file), "a refused edit is not written to etc/");
        String state = input(status(), "main").path("state").asText();
        assertTrue(state.equals("WAITING") || state.equals("RUNNING"), "main keeps running: " + state);

        period.clear();
        period.sendKeys("7200");
        browser.findElement(By.id("cybexp-save")).click();
        Await.until(10, "saved", () -> message.getText().contains("saved to etc/cybexp.source.openphish-main.cfg"));
        assertTrue(Files.readString(file).contains("period = 7200"), Files.readString(file));
        assertTrue(Files.readString(file).contains("url = " + feed.url()), "the other lines stay");
    }

    private void secretsStayOutOfForms(WebDriver browser) throws Exception {
        browser.get("http://127.0.0.1:" + port + "/system/console/cybexp-inputs?edit=misp_api&plugin=misp_api");
        WebElement key = Await.within(10).until(() -> browser.findElement(By.id("f-api_key")), e -> e != null);
        assertEquals("password", key.getAttribute("type"));
        assertEquals("", key.getAttribute("value"));
        assertNotNull(browser.findElement(By.id("f-verify_tls")), "the common keys are in the form too");
        noSecretIn(browser.getPageSource(), "the misp_api form");
        // a save that leaves the secret empty keeps it
        browser.findElement(By.id("cybexp-save")).click();
        WebElement message = browser.findElement(By.id("cybexp-form-message"));
        Await.until(10, "saved", () -> message.getText().contains("saved"));
        assertTrue(Files.readString(dist.home().resolve("etc/cybexp.source.misp_api-misp_api.cfg"))
                .contains("api_key = " + MISP_KEY));
    }

    private void replayADeadLetter(WebDriver browser) throws Exception {
        browser.get("http://127.0.0.1:" + port + "/system/console/cybexp-inputs");
        waitForState(browser, "refused", s -> !s.equals("-"));
        row(browser, "refused").findElement(By.cssSelector("button[data-action=deadletters]")).click();
        Await.until(10, "the dead letters listed",
                () -> browser.findElements(By.cssSelector("#cybexp-letters tr[data-letter]")).size() == postsPerInput);
        WebElement first = browser.findElements(By.cssSelector("#cybexp-letters tr[data-letter]")).get(0);
        first.findElement(By.cssSelector("button[data-action=show]")).click();
        Await.until(10, "one shown", () -> browser.findElement(By.id("cybexp-letter")).getText().contains("\"body\""));
        raw.refuse(null); // the cause is fixed: the API takes it now
        long before = raw.acceptedCount();
        browser.findElements(By.cssSelector("#cybexp-letters tr[data-letter]")).get(0)
                .findElement(By.cssSelector("button[data-action=replay]")).click();
        Await.until(30, "the replayed letter delivered", () -> input(status(), "refused").path("delivered").asLong() == 1);
        assertEquals(before + 1, raw.acceptedCount());
        assertEquals(postsPerInput - 1, input(status(), "refused").path("dead_letters").asLong());
        Await.until(10, "the list shrank",
                () -> browser.findElements(By.cssSelector("#cybexp-letters tr[data-letter]")).size() == postsPerInput - 1);
    }

    private void aNewInputFromTheForm(WebDriver browser) throws Exception {
        browser.get("http://127.0.0.1:" + port + "/system/console/cybexp-inputs");
        waitForState(browser, "main", s -> !s.equals("-"));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("cybexp-new-plugin")))
                .selectByValue("openphish");
        browser.findElement(By.id("cybexp-new")).click();
        WebElement instance = Await.within(10).until(() -> browser.findElement(By.id("f-instance")), e -> e != null);
        instance.sendKeys("created");
        browser.findElement(By.id("f-orgid")).sendKeys("it-org");
        browser.findElement(By.id("f-url")).sendKeys(feed.url());
        browser.findElement(By.id("f-min_interval")).sendKeys("0");
        browser.findElement(By.id("cybexp-save")).click();
        WebElement message = browser.findElement(By.id("cybexp-form-message"));
        Await.until(10, "saved", () -> message.getText().contains("saved to etc/cybexp.source.openphish-created.cfg"));
        Await.until(30, "the new input fetched and delivered",
                () -> input(status(), "created").path("delivered").asLong() == postsPerInput);
    }

    private void otherConsolePagesShowNoSecret(WebDriver browser) throws Exception {
        for (String page : List.of("configMgr", "services", "bundles", "status-cybexp-inputs")) {
            browser.get("http://127.0.0.1:" + port + "/system/console/" + page);
            Await.until(10, page + " loaded", () -> browser.getPageSource().contains("</html>"));
            noSecretIn(browser.getPageSource(), page);
        }
        for (String download : List.of("status-Configurations.txt", "status-Configurations.json",
                "status-cybexp-inputs.json", "configMgr/*.json")) {
            HttpResponse<String> answer = get("/system/console/" + download, "admin", password);
            assertEquals(200, answer.statusCode(), download);
            noSecretIn(answer.body(), download);
        }
    }

    @Test
    void metricsMatchStatusAfterTheKnownDeliveries() throws Exception {
        assertEquals(401, scrape(null).statusCode(), "a token is configured: none, no metrics");
        assertEquals(401, scrape("wrong").statusCode());
        HttpResponse<String> scrape = scrape(METRICS_TOKEN);
        JsonNode status = status();
        assertEquals(200, scrape.statusCode());
        String text = scrape.body();
        noSecretIn(text, "/metrics");
        assertTrue(text.contains("jvm_memory_used_bytes{area=\"heap\"}"), "JVM metrics");
        assertEquals(postsPerInput, value(text, "cybexp_component_sent_events_total", "input=\"main\",plugin=\"openphish\""));
        assertTrue(value(text, "cybexp_delivery_request_duration_seconds_count", "input=\"main\"") >= postsPerInput);
        for (JsonNode input : status.path("inputs")) {
            String name = input.path("name").asText();
            String labels = "input=\"" + name + "\",plugin=\"" + input.path("plugin").asText() + "\"";
            assertEquals(input.path("fetched").asLong() + input.path("duplicates").asLong(),
                    value(text, "cybexp_component_received_events_total", labels), name);
            assertEquals(input.path("delivered").asLong(), value(text, "cybexp_component_sent_events_total", labels),
                    name);
            assertEquals(input.path("dead_letters").asLong(), value(text, "cybexp_deadletters", labels), name);
            assertEquals(input.path("outbox_depth").asLong(), value(text, "cybexp_outbox_events", labels), name);
            assertEquals(input.path("dead_lettered").asLong(), value(text, "cybexp_component_errors_total",
                    "error_type=\"refused\",input=\"" + name + "\",stage=\"delivery\""), name);
            assertEquals(input.path("duplicates").asLong(), value(text, "cybexp_component_discarded_events_total",
                    "input=\"" + name + "\",reason=\"duplicate\""), name);
        }
    }

    private HttpResponse<String> scrape(String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long value(String metrics, String name, String labels) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(metrics);
        assertTrue(line.find(), name + "{" + labels + "} in\n" + metrics);
        return (long) Double.parseDouble(line.group(1));
    }

    private void noSecretIn(String text, String where) {
        for (String secret : List.of(API_TOKEN, MISP_KEY, METRICS_TOKEN, password)) {
            assertFalse(text.contains(secret), where + " shows a secret");
        }
    }

    private JsonNode status() throws Exception {
        Result status = dist.cli("status", "--json");
        assertEquals(0, status.code(), status.toString());
        return json.readTree(status.out());
    }

    /** A counter of the named input; 0 while the input is not there yet. */
    private static long count(JsonNode status, String name, String field) {
        for (JsonNode input : status.path("inputs")) {
            if (input.path("name").asText().equals(name)) {
                return input.path(field).asLong();
            }
        }
        return 0;
    }

    private static JsonNode input(JsonNode status, String name) {
        for (JsonNode input : status.path("inputs")) {
            if (input.path("name").asText().equals(name)) {
                return input;
            }
        }
        throw new AssertionError("no input " + name + " in " + status);
    }

    private HttpResponse<String> get(String path, String user, String pass) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static WebElement row(WebDriver browser, String input) {
        return browser.findElement(By.cssSelector("#cybexp-table tr[data-input='" + input + "']"));
    }

    private static String rowText(WebDriver browser, String input) {
        return row(browser, input).getText();
    }

    private static void waitForState(WebDriver browser, String input, java.util.function.Predicate<String> state) {
        try {
            Await.until(30, input + "'s state", () -> state.test(
                    row(browser, input).findElement(By.cssSelector("td.state")).getText()));
        } catch (RuntimeException e) {
            System.out.println("ConsoleIT: page at " + browser.getCurrentUrl() + ":\n" + browser.getPageSource());
            throw e;
        }
    }

    private static void screenshot(WebDriver browser) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path target = Path.of("target", "console-inputs.png");
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("ConsoleIT: screenshot in " + target.toAbsolutePath());
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--window-size=1500,900");
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("credentials_enable_service", false);
        options.setExperimentalOption("prefs", prefs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
