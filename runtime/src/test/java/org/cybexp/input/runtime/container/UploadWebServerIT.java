package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.cybexp.input.testkit.WebServerPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upload input tells in status whether the web server serves it: with its port taken by another program,
 * status says the web server is missing (not "serving"), the daemon and its inputs keep running; once
 * etc/org.apache.felix.http.cfg names a free port, the running daemon's server restarts there and the page
 * is served, and status says where.
 */
class UploadWebServerIT {

    private Distribution dist;
    private ServerSocket squatter;

    @BeforeEach
    void distributionWhoseWebPortIsTaken() throws Exception {
        dist = Distribution.copyOfBuilt("cybexp-upload-web-it");
        dist.configure("cybexp.source.upload-desk.cfg", "orgid = desk-org\ntypetag = misp-api\n"
                + "allowed_orgids = *\nallowed_typetags = *\n");
        squatter = new ServerSocket(dist.httpPort(), 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void closeEverything() throws Exception {
        try {
            dist.close();
        } finally {
            squatter.close();
        }
    }

    @Test
    void aTakenPortIsSaidInStatusAndAnEditedAddressIsServedWithoutARestart() throws Exception {
        assertEquals(0, dist.cli("start").code());
        Await.until(60, "status says the web server is missing", () -> detail().contains(
                "waiting for the web server: etc/org.apache.felix.http.cfg is missing, or its address is taken"));
        assertTrue(dist.cli("status").out().contains("RUNNING"), "the input itself runs");

        int free = WebServerPort.free();
        dist.configure(WebServerPort.CFG_FILE, WebServerPort.HOST_PROPERTY + " = 127.0.0.1\n"
                + WebServerPort.PORT_PROPERTY + " = " + free + "\n");
        HttpClient http = HttpClient.newHttpClient();
        Await.until(60, "the page is served on the new port", () -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + free + "/upload/")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        Await.until(30, "status says where", () -> detail().contains("serving /upload at http://127.0.0.1:" + free));
    }

    private String detail() throws Exception {
        Result status = dist.cli("status", "-n", "desk");
        return status.out();
    }
}
