package org.cybexp.input.source.mispapi;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.source.misp.MispBench;
import org.cybexp.input.testkit.InputConfigs;

/**
 * One poll of the MISP API input against a loopback server that generates restSearch pages on the fly (nothing
 * held in memory on its side either), with whatever heap the JVM was given ({@code bench/misp/run.sh}).
 * Usage: {@code MispApiBenchmark [events] [limit]}.
 */
public final class MispApiBenchmark {

    private static final String KEY = "0123456789abcdefghijABCDEFGHIJ0123456789";

    private MispApiBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 20_000;
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        ObjectMapper json = new ObjectMapper();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/events/restSearch", exchange -> {
            try (exchange) {
                JsonNode query = json.readTree(exchange.getRequestBody());
                long page = query.path("page").asLong();
                long size = query.path("limit").asLong();
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
                exchange.getResponseHeaders().set("X-Result-Count", Long.toString(events));
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = new BufferedOutputStream(exchange.getResponseBody(), 1 << 16)) {
                    MispBench.writeDownload(out, (page - 1) * size + 1, Math.min(page * size, events));
                }
            }
        });
        server.start();
        try {
            MispApiPlugin plugin = new MispApiPlugin();
            InputConfig config = InputConfigs.of(plugin, "bench", Map.of("orgid", "bench", "url",
                    "http://127.0.0.1:" + server.getAddress().getPort(), "api_key", KEY,
                    "limit", Integer.toString(limit), "initial_lookback", "all"));
            MispBench.run("misp_api, pages of " + limit, plugin.open(config), config, events);
        } finally {
            server.stop(0);
        }
    }
}
