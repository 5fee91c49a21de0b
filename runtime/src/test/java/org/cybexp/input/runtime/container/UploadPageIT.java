package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The upload page in headless Chromium against the real daemon: a wrong key and a file over max_bytes are
 * refused with a message that says so; a good upload shows its receipt, which turns delivered once /raw has
 * the file, and the recent uploads of the key list it.
 */
class UploadPageIT {

    private static final String TOKEN = "upload-page-it-token-9e1f";
    private static final Pattern KEY = Pattern.compile("(?m)^(cxu_[A-Za-z0-9_-]{43})$");
    private static final int MAX_BYTES = 100_000;

    private Distribution dist;
    private RawReceiver raw;
    private WebDriver browser;
    private int port;

    @BeforeEach
    void daemonAndBrowser() throws Exception {
        raw = new RawReceiver(TOKEN);
        dist = Distribution.copyOfBuilt("cybexp-upload-page-it");
        port = dist.httpPort();
        dist.configure("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        dist.configure("cybexp.source.upload-desk.cfg", "orgid = desk-org\ntypetag = misp-api\n"
                + "allowed_orgids = *\nallowed_typetags = *\nmax_bytes = " + MAX_BYTES + "\n");
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeEverything() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
            dist.close();
        } finally {
            raw.close();
        }
    }

    @Test
    void anAnalystUploadsAFileAndSeesItDeliveredAndRefusalsSayWhy() throws Exception {
        Result added = dist.cli("upload-key", "add", "analyst", "--orgid", "org-a");
        Matcher m = KEY.matcher(added.out());
        assertTrue(m.find(), added.out());
        String key = m.group(1);
        assertEquals(0, dist.cli("start").code());
        String page = "http://127.0.0.1:" + port + "/upload/";
        HttpClient http = HttpClient.newHttpClient();
        Await.until(60, "the page is served", () -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(page)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        // One start with etc/'s settings, no restart: a servlet registered during a restart can stay 404 for
        // good (FELIX-6828); that is what org.apache.felix.http.require.config prevents.
        String log = Files.readString(dist.home().resolve("log/cybexp-input.log"));
        assertEquals(1, Pattern.compile("Started Jetty").matcher(log).results().count(), log);
        Path small = dist.elsewhere().resolve("iocs.csv");
        Files.writeString(small, "indicator,type\nevil.example,domain\n");
        Path large = dist.elsewhere().resolve("large.csv");
        Files.write(large, new byte[MAX_BYTES + 1]);

        browser.get(page);
        upload("not-the-key", small);
        awaitMessage("The upload key was refused (401)");

        upload(key, large);
        awaitMessage("too large");
        assertEquals(List.of(), raw.posts(), "nothing refused reached /raw");

        upload(key, small);
        Await.until(60, "the receipt turns delivered", () -> text("state").equals("delivered"));
        assertTrue(text("message").contains("iocs.csv"), text("message"));
        assertTrue(text("api").contains("201"), text("api"));
        assertEquals(1, raw.posts().size());
        assertEquals("org-a", raw.posts().get(0).fields().get("orgid"));
        Await.until(30, "the recent uploads list it", () -> text("recent").contains("iocs.csv")
                && text("recent").contains("delivered"));
    }

    private void upload(String key, Path file) {
        // the org first: the page fills an empty org from the key's own when the key is entered
        browser.findElement(By.id("orgid")).clear();
        browser.findElement(By.id("orgid")).sendKeys("org-a");
        browser.findElement(By.id("file")).sendKeys(file.toString());
        browser.findElement(By.id("key")).clear();
        browser.findElement(By.id("key")).sendKeys(key);
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "document.getElementById('message').textContent = ''");
        browser.findElement(By.id("send")).click();
    }

    private void awaitMessage(String part) {
        Await.until(30, "the page says '" + part + "'", () -> text("message").contains(part));
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }
}
