import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** A loopback /raw that answers 201 at once and counts the posted lines (those starting with MARK). */
public class RawSink {
    public static void main(String[] args) throws Exception {
        AtomicLong lines = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/api/v1.0/raw", ex -> {
            byte[] buf = new byte[1 << 16];
            long n = 0;
            int prev = '\n';
            try (InputStream in = ex.getRequestBody()) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    bytes.addAndGet(r);
                    for (int i = 0; i < r; i++) {
                        if (prev == '\n' && buf[i] == 'L') {
                            n++;
                        }
                        prev = buf[i];
                    }
                }
            }
            lines.addAndGet(n);
            byte[] ok = "{\"message\":\"ok\"}".getBytes();
            ex.sendResponseHeaders(201, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        server.start();
        Files.writeString(Path.of(args[0]), Integer.toString(server.getAddress().getPort()));
        while (true) {
            Files.writeString(Path.of(args[1] + ".tmp"), lines.get() + " " + bytes.get());
            Files.move(Path.of(args[1] + ".tmp"), Path.of(args[1]), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Thread.sleep(100);
        }
    }
}
