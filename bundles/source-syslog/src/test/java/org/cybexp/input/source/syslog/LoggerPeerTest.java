package org.cybexp.input.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The listeners with util-linux {@code logger} as the sender, as a user's host sends. */
class LoggerPeerTest {

    private static void logger(int port, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("logger", "-n", "127.0.0.1", "-P", Integer.toString(port)));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "logger ended");
        assertEquals(0, p.exitValue(), out);
    }

    @Test
    void udpRfc5424AndRfc3164() throws Exception {
        try (Listener l = new Listener("udp", Map.of())) {
            logger(l.port(), "--udp", "--rfc5424", "-t", "app5424", "-p", "local3.warning", "--msgid", "ID7",
                    "--sd-id", "test@32473", "--sd-param", "k=\"v\\]q\"", "hello 5424");
            logger(l.port(), "--udp", "--rfc3164", "-t", "app3164", "-p", "auth.info", "hello 3164");
            List<JsonNode> got = l.awaitMessages(2);
            JsonNode m5424 = got.stream().filter(m -> m.path("message").asText().equals("hello 5424")).findFirst()
                    .orElseThrow(() -> new AssertionError(got));
            assertEquals("rfc5424", m5424.path("format").asText());
            assertEquals(19, m5424.path("facility").asInt());
            assertEquals(4, m5424.path("severity").asInt());
            assertEquals("app5424", m5424.path("app_name").asText());
            assertEquals("ID7", m5424.path("msgid").asText());
            assertEquals("v]q", m5424.path("structured_data").path("test@32473").path("k").asText());
            assertEquals("udp", m5424.path("protocol").asText());
            assertEquals("127.0.0.1", m5424.path("sender").asText());
            JsonNode m3164 = got.stream().filter(m -> m.path("message").asText().equals("hello 3164")).findFirst()
                    .orElseThrow(() -> new AssertionError(got));
            assertEquals("rfc3164", m3164.path("format").asText());
            assertEquals(4, m3164.path("facility").asInt());
            assertEquals(6, m3164.path("severity").asInt());
            assertEquals("app3164", m3164.path("app_name").asText());
            assertTrue(m3164.path("timestamp").asText().matches("\\d{4}-.*"), m3164.toString());
        }
    }

    @Test
    void tcpWithAndWithoutOctetCountingOnOneListener() throws Exception {
        try (Listener l = new Listener("tcp", Map.of())) {
            logger(l.port(), "--tcp", "--rfc5424", "-t", "lf", "line framed");
            logger(l.port(), "--tcp", "--rfc5424", "--octet-count", "-t", "oc", "octet counted");
            logger(l.port(), "--tcp", "--rfc3164", "--octet-count", "-t", "oc3164", "octet counted 3164");
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.texts().containsAll(
                    List.of("line framed", "octet counted", "octet counted 3164")));
            assertEquals(3, l.messages().size(), l.texts().toString());
        }
    }

    @Test
    void framingIsDecidedPerFrameAndABadCountFallsBack() throws Exception {
        try (Listener l = new Listener("tcp", Map.of("max_message_bytes", "64"));
                Socket s = new Socket(InetAddress.getLoopbackAddress(), l.port())) {
            OutputStream out = s.getOutputStream();
            String a = "<13>1 - - - - - - first";
            out.write((a.length() + " " + a).getBytes(StandardCharsets.US_ASCII));
            out.write("<13>1 - - - - - - second\n".getBytes(StandardCharsets.US_ASCII));
            out.write("12x bad count third\0".getBytes(StandardCharsets.US_ASCII));
            out.write(("<13>1 - - - - - - " + "y".repeat(100) + "\n").getBytes(StandardCharsets.US_ASCII));
            byte[] latin1 = "<13>Feb  5 17:32:18 host app: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
            out.write(latin1);
            out.write("<13>1 - - - - - - after\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.messages().size() >= 6);
            List<String> texts = l.texts();
            assertEquals("first", texts.get(0));
            assertEquals("second", texts.get(1));
            assertEquals("12x bad count third", texts.get(2));
            assertTrue(l.messages().get(3).path("truncated").asBoolean(), "cut at max_message_bytes");
            assertTrue(l.messages().get(4).has("raw_base64"), "not UTF-8: still there");
            assertEquals("after", texts.get(5), "the connection goes on after bytes that are not UTF-8");
            assertEquals(1, l.counter("truncated"));
        }
    }

    @Test
    void sendersOutsideAllowedSendersAreRefusedAndCounted() throws Exception {
        try (Listener l = new Listener("udp", Map.of("allowed_senders", "10.0.0.0/8"))) {
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                byte[] m = "<13>1 - - - - - - refused".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(m, m.length, InetAddress.getLoopbackAddress(), l.port()));
            }
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.counter("refused_senders") == 1);
            assertEquals(0, l.messages().size());
        }
        try (Listener l = new Listener("tcp", Map.of("allowed_senders", "127.0.0.0/8", "max_connections", "1"));
                Socket first = new Socket(InetAddress.getLoopbackAddress(), l.port())) {
            // the first is let in before the second arrives, so the second is the one refused (never a hang)
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.counter("connections") == 1);
            try (Socket second = new Socket(InetAddress.getLoopbackAddress(), l.port())) {
                second.setSoTimeout((int) Listener.WAIT.toMillis());
                Awaitility.await().atMost(Listener.WAIT).until(() -> l.counter("refused_connections") == 1);
                assertEquals(-1, second.getInputStream().read(), "the second connection of one sender is closed");
            }
            first.getOutputStream().write("<13>1 - - - - - - kept\n".getBytes(StandardCharsets.US_ASCII));
            first.getOutputStream().flush();
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.texts().contains("kept"));
        }
    }
}
