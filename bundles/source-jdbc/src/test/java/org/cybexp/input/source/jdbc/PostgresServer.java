package org.cybexp.input.source.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server on loopback for one test class: {@code initdb} into a fresh folder under
 * {@code /tmp}, {@code pg_ctl start} on a free port, {@code stop} removes everything. Runs the binaries as user
 * {@code postgres} when the tests run as root (initdb refuses root). Password authentication over TCP, so a
 * wrong password is refused as in production; the superuser {@code postgres} has {@link #password()}.
 */
public final class PostgresServer implements AutoCloseable {

    private final Path folder;
    private final Path bin;
    private final int port;
    private final String password = "pw-" + UUID.randomUUID();

    private PostgresServer(Path folder, Path bin, int port) {
        this.folder = folder;
        this.bin = bin;
        this.port = port;
    }

    /** Starts a server; about 2 s. */
    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        Path folder = Files.createTempDirectory(Path.of("/tmp"), "cybexp-pg-");
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            UserPrincipal postgres = folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(folder, postgres);
        }
        PostgresServer server = null;
        for (int attempt = 0; ; attempt++) {
            server = new PostgresServer(folder, bin, freePort());
            try {
                server.initAndStart(attempt == 0);
                return server;
            } catch (IOException e) {
                if (attempt == 2) {
                    server.close();
                    throw e;
                }
            }
        }
    }

    private static Path binaries() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder())
                    .orElseThrow(() -> new IOException("no PostgreSQL binaries in /usr/lib/postgresql/*/bin: "
                            + "apt-get install postgresql"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("PostgreSQL is not installed (no /usr/lib/postgresql): apt-get install postgresql", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void initAndStart(boolean init) throws IOException, InterruptedException {
        Path data = folder.resolve("data");
        if (init) {
            Path pwfile = folder.resolve("pwfile");
            Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
            if ("root".equals(System.getProperty("user.name"))) {
                Files.setOwner(pwfile, folder.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres"));
            }
            run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--pwfile",
                    pwfile.toString(), "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-sync"));
        }
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", folder.resolve("log").toString(),
                "-w", "-t", "30", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                        + folder + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start"));
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("cybexp-pg-cmd", ".log");
        try {
            Process process = new ProcessBuilder(full).directory(folder.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            if (process.exitValue() != 0) {
                String log = Files.exists(folder.resolve("log")) ? Files.readString(folder.resolve("log")) : "";
                throw new IOException(command.get(0) + " failed (" + process.exitValue() + "): "
                        + Files.readString(output) + log);
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    /** {@code jdbc:postgresql://127.0.0.1:port/postgres}. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** A new connection as the superuser, autocommit on. */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", password);
        return DriverManager.getConnection(url(), properties);
    }

    /** Runs statements in autocommit. */
    public void execute(String... sql) throws SQLException {
        try (Connection db = connect(); Statement statement = db.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    /** The path of {@code psql} etc. */
    public Path bin(String tool) {
        return bin.resolve(tool);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (Files.exists(folder.resolve("data/postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(), "-m",
                        "immediate", "-w", "stop"));
            }
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
