package org.cybexp.input.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * While nothing can be stored (the kit's outbox fails its writes, as a full disk does): TCP stops reading and
 * loses nothing, RELP answers nothing until it is stored, UDP counts its drops.
 */
class BackPressureTest {

    private static final int COUNT = 300;

    @Test
    void tcpKeepsWhatItReadAndStoresItOnceTheDiskTakesItAgain() throws Exception {
        try (Listener l = new Listener("tcp", Map.of("messages_per_record", "10"));
                Socket s = new Socket(InetAddress.getLoopbackAddress(), l.port())) {
            l.store.failWrites(true);
            OutputStream out = s.getOutputStream();
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < COUNT; i++) {
                all.append("<13>1 - - - - - - held ").append(i).append('\n');
            }
            out.write(all.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.counter("stores_retried") > 3);
            assertEquals(0, l.messages().size(), "nothing stored while the disk refuses");
            l.store.failWrites(false);
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.messages().size() >= COUNT);
            Set<String> texts = new HashSet<>(l.texts());
            assertEquals(COUNT, texts.size());
            assertEquals(COUNT, l.messages().size(), "each message once");
        }
    }

    @Test
    void relpAnswersNothingUntilStored() throws Exception {
        try (Listener l = new Listener("relp", Map.of());
                Rsyslog r = Rsyslog.start("", "module(load=\"omrelp\")\naction(type=\"omrelp\" target=\"127.0.0.1\" "
                        + "port=\"" + l.port() + "\" template=\"RSYSLOG_SyslogProtocol23Format\" "
                        + "action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\")")) {
            l.store.failWrites(true);
            String[] messages = new String[50];
            for (int i = 0; i < messages.length; i++) {
                messages[i] = "<13>1 - relay held - - - relp held " + i;
            }
            r.send(messages);
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.counter("received") >= 1
                    && l.counter("stores_retried") > 1);
            assertEquals(0, l.counter("answered"), "no rsp before the disk has it");
            l.store.failWrites(false);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> new HashSet<>(l.texts())
                    .containsAll(List.of(messages).stream().map(m -> m.substring(m.indexOf("relp held"))).toList()));
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.counter("answered") >= messages.length);
            assertTrue(l.counter("answered") <= l.counter("stored"), "no answer before the disk has it");
        }
    }

    @Test
    void udpCountsWhatItCannotTake() throws Exception {
        try (Listener l = new Listener("udp", Map.of("messages_per_record", "5"));
                DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            l.store.failWrites(true);
            for (int i = 0; i < COUNT; i++) {
                byte[] m = ("<13>1 - - - - - - udp " + i).getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(m, m.length, InetAddress.getLoopbackAddress(), l.port()));
            }
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.counter("received") + l.counter("dropped_kernel")
                    >= COUNT && l.counter("dropped_busy") > 0);
            l.store.failWrites(false);
            long received = l.counter("received");
            Awaitility.await().atMost(Listener.WAIT).until(() -> l.messages().size()
                    == received - l.counter("dropped_busy"));
        }
    }
}
