package org.cybexp.input.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * rsyslog forwarding to the listeners as a site's relay does: omfwd over UDP, over TCP with both framings and
 * over TLS (gtls, with certificates made here by openssl), and omrelp.
 */
class RsyslogPeerTest {

    private static final int COUNT = 200;

    private static String[] messages(String tag) {
        String[] all = new String[COUNT];
        for (int i = 0; i < COUNT; i++) {
            all[i] = "<134>1 2026-01-02T03:04:05.000Z relay " + tag + " " + i + " - [m@1 n=\"" + i + "\"] message "
                    + tag + " " + i;
        }
        return all;
    }

    private static void awaitAll(Listener l, String tag) {
        Awaitility.await().atMost(Listener.WAIT).until(() -> l.messages().stream()
                .filter(m -> m.path("app_name").asText().equals(tag)).count() >= COUNT);
        Set<String> got = new HashSet<>();
        for (JsonNode m : l.messages()) {
            if (m.path("app_name").asText().equals(tag)) {
                assertEquals("rfc5424", m.path("format").asText(), m.toString());
                assertEquals("relay", m.path("hostname").asText());
                assertEquals(m.path("procid").asText(), m.path("structured_data").path("m@1").path("n").asText());
                got.add(m.path("message").asText());
            }
        }
        assertEquals(COUNT, got.size(), "every message once");
    }

    @Test
    void omfwdOverUdp() throws Exception {
        try (Listener l = new Listener("udp", Map.of());
                Rsyslog r = Rsyslog.start("", "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + l.port()
                        + "\" protocol=\"udp\" template=\"RSYSLOG_SyslogProtocol23Format\")")) {
            r.send(messages("udpfwd"));
            awaitAll(l, "udpfwd");
            assertEquals(0, l.counter("dropped_busy"));
        }
    }

    @Test
    void omfwdOverTcpWithBothFramings() throws Exception {
        try (Listener l = new Listener("tcp", Map.of());
                Rsyslog lf = Rsyslog.start("", "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + l.port()
                        + "\" protocol=\"tcp\" template=\"RSYSLOG_SyslogProtocol23Format\")");
                Rsyslog oc = Rsyslog.start("", "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + l.port()
                        + "\" protocol=\"tcp\" tcp_framing=\"octet-counted\" "
                        + "template=\"RSYSLOG_SyslogProtocol23Format\")")) {
            lf.send(messages("tcplf"));
            oc.send(messages("tcpoc"));
            awaitAll(l, "tcplf");
            awaitAll(l, "tcpoc");
        }
    }

    @Test
    void omfwdOverTlsWithGtls(@TempDir Path certs) throws Exception {
        openssl(certs, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-ca",
                "-keyout", "ca.key", "-out", "ca.pem");
        openssl(certs, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
                "-out", "server.csr");
        Files.writeString(certs.resolve("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl(certs, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "ext.cnf", "-out", "server.pem");
        try (Listener l = new Listener("tls", Map.of("tls_cert", certs.resolve("server.pem").toString(),
                "tls_key", certs.resolve("server.key").toString()));
                Rsyslog r = Rsyslog.start(" defaultNetstreamDriverCAFile=\"" + certs.resolve("ca.pem") + "\"",
                        "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + l.port() + "\" protocol=\"tcp\" "
                        + "streamDriver=\"gtls\" streamDriverMode=\"1\" streamDriverAuthMode=\"x509/name\" "
                        + "streamDriverPermittedPeers=\"localhost\" template=\"RSYSLOG_SyslogProtocol23Format\")")) {
            r.send(messages("tlsfwd"));
            awaitAll(l, "tlsfwd");
            assertTrue(l.messages().stream().allMatch(m -> m.path("protocol").asText().equals("tls")));
        }
    }

    @Test
    void omrelpIsAnsweredOnlyForWhatIsStored() throws Exception {
        try (Listener l = new Listener("relp", Map.of());
                Rsyslog r = Rsyslog.start("", "module(load=\"omrelp\")\naction(type=\"omrelp\" target=\"127.0.0.1\" "
                        + "port=\"" + l.port() + "\" template=\"RSYSLOG_SyslogProtocol23Format\")")) {
            r.send(messages("relpfwd"));
            awaitAll(l, "relpfwd");
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.counter("answered") >= COUNT);
            assertTrue(l.counter("answered") <= l.counter("stored"), "no answer before the disk has it");
        }
    }

    static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    }
}
