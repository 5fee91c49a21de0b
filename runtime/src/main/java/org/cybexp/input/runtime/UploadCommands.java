package org.cybexp.input.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * {@code cybexp-input upload-key add NAME --orgid ORG...} (a new uploader key, shown once, kept only as its
 * SHA-256 in the keys file) and {@code cybexp-input upload FILE --orgid ORG --typetag TAG} (the same endpoint
 * as the page, the key from {@code CYBEXP_UPLOAD_KEY}: never an argument, which any {@code ps} shows). Plain
 * files and the daemon's web server: no control command needed.
 */
final class UploadCommands {

    static final String KEY_ENV = "CYBEXP_UPLOAD_KEY";
    static final String ADD_USAGE = "cybexp-input upload-key add NAME --orgid ORGID... [--keys-file FILE]";
    /** A refused connection is tried again this long: the web server comes up about a second after start. */
    private static final Duration CONNECT_RETRIES_FOR = Duration.ofSeconds(10);
    private static final Duration CONNECT_RETRY_PAUSE = Duration.ofMillis(200);
    static final String UPLOAD_USAGE = "cybexp-input upload FILE --orgid ORGID --typetag TYPETAG [--name NAME] "
            + "[--timezone ZONE] [--url http://HOST:PORT/upload]";

    private final Home home;
    private final PrintStream out;
    private final PrintStream err;

    UploadCommands(Home home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    static boolean handles(String verb) {
        return verb.equals("upload") || verb.equals("upload-key");
    }

    int run(String[] args, Map<String, String> env) throws IOException, InterruptedException,
            Invocation.UsageException {
        if (args[0].equals("upload-key")) {
            if (args.length < 3 || !args[1].equals("add")) {
                throw new Invocation.UsageException("upload-key takes: add NAME --orgid ORGID...", ADD_USAGE);
            }
            Options options = Options.parse(args, 3, ADD_USAGE, List.of("--orgid", "--keys-file"));
            return addKey(args[2], options);
        }
        if (args.length < 2 || args[1].startsWith("-")) {
            throw new Invocation.UsageException("upload needs the file to upload", UPLOAD_USAGE);
        }
        Options options = Options.parse(args, 2, UPLOAD_USAGE,
                List.of("--orgid", "--typetag", "--name", "--timezone", "--url"));
        return upload(Path.of(args[1]), options, env.get(KEY_ENV));
    }

    private int addKey(String name, Options options) throws IOException, Invocation.UsageException {
        if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new Invocation.UsageException("a key's NAME is 1-64 letters, digits, . _ @ -", ADD_USAGE);
        }
        List<String> orgids = options.all("--orgid");
        if (orgids.isEmpty() || orgids.stream().anyMatch(o -> !o.matches("[^\\s,]+"))) {
            throw new Invocation.UsageException("upload-key add needs --orgid ORGID (no spaces or commas; * for any)",
                    ADD_USAGE);
        }
        Path file = home.root().resolve(options.one("--keys-file").orElse("etc/upload.keys"));
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : new ArrayList<>();
        for (String line : lines) {
            if (line.strip().split("\\s+")[0].equals(name)) {
                err.println("cybexp-input: upload-key add: " + file + " already has a key named " + name);
                return Cli.ERROR;
            }
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String key = "cxu_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        List<String> updated = new ArrayList<>(lines);
        if (updated.isEmpty()) {
            updated.add("# upload keys: NAME SHA256-OF-KEY ORGID[,ORGID...]  (cybexp-input upload-key add)");
        }
        updated.add(name + " " + sha256(key) + " " + String.join(",", orgids));
        write(file, String.join("\n", updated) + "\n");
        out.println("upload key for " + name + " (orgids " + String.join(", ", orgids) + "):");
        out.println(key);
        out.println("Shown once: " + home.root().relativize(file.toAbsolutePath()) + " keeps only its SHA-256. "
                + "Give it as 'Authorization: Bearer <key>' (or " + KEY_ENV + " for 'cybexp-input upload').");
        return Cli.OK;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private int upload(Path file, Options options, String key) throws IOException, InterruptedException,
            Invocation.UsageException {
        if (key == null || key.isBlank()) {
            throw new Invocation.UsageException("upload takes the key from " + KEY_ENV + " (never an argument)",
                    UPLOAD_USAGE);
        }
        String orgid = options.one("--orgid").orElseThrow(() -> new Invocation.UsageException(
                "upload needs --orgid", UPLOAD_USAGE));
        String typetag = options.one("--typetag").orElseThrow(() -> new Invocation.UsageException(
                "upload needs --typetag", UPLOAD_USAGE));
        if (!Files.isRegularFile(file)) {
            err.println("cybexp-input: upload: no such file " + file);
            return Cli.ERROR;
        }
        String url = options.one("--url").orElseGet(this::defaultUrl);
        String boundary = "cybexp-" + UUID.randomUUID();
        String filename = file.getFileName().toString().replace("\"", "_");
        StringBuilder head = new StringBuilder();
        field(head, boundary, "name", options.one("--name").orElse(filename));
        field(head, boundary, "orgid", orgid);
        field(head, boundary, "typetag", typetag);
        field(head, boundary, "timezone", options.one("--timezone").orElse("UTC"));
        head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                .append(filename).append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        HttpRequest request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/raw"))
                .header("Authorization", "Bearer " + key.strip())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofByteArray(head.toString().getBytes(StandardCharsets.UTF_8)),
                        HttpRequest.BodyPublishers.ofFile(file),
                        HttpRequest.BodyPublishers.ofByteArray(("\r\n--" + boundary + "--\r\n")
                                .getBytes(StandardCharsets.UTF_8))))
                .timeout(answerTimeout(Files.size(file))).build();
        HttpResponse<String> response;
        try {
            response = sendOnceTheServerListens(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .build(), request);
        } catch (IOException e) {
            err.println("cybexp-input: upload: " + url + ": " + describe(e)
                    + " (is the daemon running, with an upload input, and its web server at this address?)");
            return Cli.ERROR;
        }
        if (response.statusCode() == 202) {
            out.println(response.body());
            return Cli.OK;
        }
        err.println("cybexp-input: upload: " + response.statusCode() + " " + response.body()
                + response.headers().firstValue("Retry-After").map(s -> " (Retry-After " + s + " s)").orElse(""));
        return Cli.ERROR;
    }

    /**
     * Sends the request; while this home's daemon runs, a refused connection is tried again for a few seconds.
     * The web server starts after the inputs (start level 4), about a second after {@code start} returns, so
     * {@code start && upload} just works; a refused connection sent nothing, so a retry cannot post twice.
     */
    private HttpResponse<String> sendOnceTheServerListens(HttpClient client, HttpRequest request)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + CONNECT_RETRIES_FOR.toNanos();
        while (true) {
            try {
                return client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException refused) {
                if (System.nanoTime() > end || !daemonRuns()) {
                    throw refused;
                }
                Thread.sleep(CONNECT_RETRY_PAUSE.toMillis()); // a pause between attempts, not a wait for a condition
            }
        }
    }

    private boolean daemonRuns() {
        try {
            return Endpoint.read(home.runningConfig()).map(Endpoint::processAlive).orElse(false);
        } catch (IOException damaged) {
            return false;
        }
    }

    /**
     * How long to wait for the answer, upload included: a minute, plus a second per MiB (the endpoint stores the
     * file before it answers). A peer that takes the connection but is no HTTP server (a wrong port) then fails
     * within minutes, not the half hour a fixed bound for the largest upload would take.
     */
    static Duration answerTimeout(long bytes) {
        return Duration.ofSeconds(60 + bytes / (1024 * 1024));
    }

    /** The JDK client's ConnectException has no message (it printed "null"): name the class and any cause. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 300; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            text.append(text.length() == 0 ? "" : ", caused by ").append(t.getClass().getSimpleName());
            if (message != null && !message.isBlank()) {
                text.append(": ").append(message);
            }
        }
        return text.toString();
    }

    /** The daemon's web server from etc/org.apache.felix.http.cfg, and the default path. */
    private String defaultUrl() {
        Properties http = new Properties();
        try (var in = Files.newBufferedReader(home.etc().resolve("org.apache.felix.http.cfg"))) {
            http.load(in);
        } catch (IOException e) {
            // the defaults below
        }
        String host = http.getProperty("org.apache.felix.http.host", "127.0.0.1").strip();
        if (host.isEmpty() || host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        }
        String port = http.getProperty("org.osgi.service.http.port", "8181").strip();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/upload";
    }

    private static void field(StringBuilder out, String boundary, String name, String value) {
        out.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(name)
                .append("\"\r\n\r\n").append(value).append("\r\n");
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code --flag value} pairs; a flag may repeat. */
    private record Options(Map<String, List<String>> values) {

        static Options parse(String[] args, int from, String usage, List<String> known)
                throws Invocation.UsageException {
            Map<String, List<String>> values = new java.util.LinkedHashMap<>();
            for (int i = from; i < args.length; i++) {
                if (!known.contains(args[i])) {
                    throw new Invocation.UsageException("unexpected argument '" + args[i] + "'", usage);
                }
                if (i + 1 >= args.length) {
                    throw new Invocation.UsageException(args[i] + " needs a value", usage);
                }
                values.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[++i]);
            }
            return new Options(values);
        }

        List<String> all(String flag) {
            return values.getOrDefault(flag, List.of());
        }

        java.util.Optional<String> one(String flag) {
            List<String> all = all(flag);
            return all.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(all.get(all.size() - 1));
        }
    }
}
