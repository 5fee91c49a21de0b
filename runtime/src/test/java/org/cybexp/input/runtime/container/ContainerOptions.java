package org.cybexp.input.runtime.container;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.cybexp.input.testkit.LoopbackRawApi;
import org.cybexp.input.testkit.WebServerPort;
import org.ops4j.pax.exam.Option;

/**
 * Pax Exam options that boot the real distribution: every bundle of {@code runtime/target/cybexp-input/bundle}
 * (boot bundles at start level 1) and the FileInstall settings of its {@code etc/config.properties}, on a fresh
 * home folder whose {@code deploy/} and {@code etc/} the tests write to.
 */
final class ContainerOptions {


    private ContainerOptions() {
    }

    static Option[] boot(String testName) throws IOException {
        Path dist = Path.of(System.getProperty("cybexp.dist")).toAbsolutePath();
        Path home = Files.createTempDirectory("cybexp-it-" + testName);
        deleteAtExit(home);
        Files.createDirectories(home.resolve("etc"));
        Files.createDirectories(home.resolve("deploy"));
        Files.createDirectories(home.resolve("data"));

        List<Option> options = new ArrayList<>();
        options.add(systemProperty("pax.exam.osgi.unresolved.fail").value("true"));
        options.add(cleanCaches(true));
        Properties config = frameworkConfig(dist, home);
        for (String key : config.stringPropertyNames()) {
            if (key.startsWith("felix.fileinstall.") || key.startsWith("cybexp.")) {
                options.add(frameworkProperty(key).value(config.getProperty(key)));
            }
        }
        // The tests' loopback servers run inside the framework and reach the JDK's HTTP server by boot
        // delegation: org.osgi.framework.system.packages.extra is Pax Exam's own (it exports its packages there).
        options.add(frameworkProperty("org.osgi.framework.bootdelegation").value("sun.*,com.sun.net.httpserver"));
        options.add(frameworkProperty("felix.fileinstall.poll").value("250"));
        options.add(frameworkProperty("cybexp.home").value(home.toString()));
        // The web server on a loopback port of its own (Felix HTTP's defaults are 8080 on every interface).
        options.add(frameworkProperty(WebServerPort.HOST_PROPERTY).value("127.0.0.1"));
        options.add(frameworkProperty(WebServerPort.PORT_PROPERTY).value(String.valueOf(WebServerPort.free())));
        options.add(frameworkProperty("cybexp.data").value(home.resolve("data").toString()));
        options.add(frameworkProperty("felix.fileinstall.dir").value(home.resolve("etc") + ","
                + home.resolve("deploy")));
        // Pax Exam's own bundles want slf4j 1.x beside the runtime's 2.x.
        options.add(bundle(jar("cybexp.it.slf4j17")));
        Path binding = Slf4jLegacyBinding.bounded(Path.of(System.getProperty("cybexp.it.slf4jsimple17")), home);
        options.add(bundle(binding.toUri().toString()).noStart());
        // The daemon has slf4j 2 on its launcher's class path; this container gets it as bundles (with SPI Fly).
        for (Path jar : jars(Path.of(System.getProperty("cybexp.it.loggingBundles")))) {
            options.add(bundle(jar.toUri().toString()).startLevel(1));
        }
        for (Path jar : jars(dist.resolve("bundle/config"))) {
            options.add(bundle(jar.toUri().toString()).startLevel(2)); // ConfigAdmin, SCR, our cfg installer
        }
        for (Path jar : jars(dist.resolve("bundle"))) {
            options.add(bundle(jar.toUri().toString()));
        }
        for (Path jar : jars(dist.resolve("bundle/web"))) {
            options.add(bundle(jar.toUri().toString())); // the web stack: level 4 in the daemon, after the inputs
        }
        options.add(bundle(jar("cybexp.it.hamcrest")));
        options.add(bundle(jar("cybexp.it.awaitility")));
        options.add(testKit());
        options.add(junitBundles());
        return options.toArray(Option[]::new);
    }

    /**
     * Pax Exam boots every class's framework in this JVM and stops it after the class: the homes go with the
     * JVM, so {@code mvn verify} leaves no {@code cybexp-it-*} folder behind.
     */
    private static void deleteAtExit(Path home) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                org.cybexp.input.testkit.Distribution.deleteTree(home);
            } catch (IOException e) {
                System.err.println("could not delete " + home + ": " + e);
            }
        }, "delete " + home.getFileName()));
    }

    /**
     * The test kit as a bundle: the probe's loopback servers ({@link LoopbackRawApi}, which {@link RawReceiver}
     * extends, and the websocket server) come from it, not from the probe built from test-classes.
     */
    private static Option testKit() {
        return bundle(jar("cybexp.it.testkit"));
    }

    /**
     * The home of the framework a probe runs in. Read from the framework, not a system property: Pax Exam asks
     * every test class for its options before running the first, so a JVM-wide value would be the last one's.
     */
    static Path home(org.osgi.framework.BundleContext context) {
        return Path.of(context.getProperty("cybexp.home"));
    }

    /** The distribution's config.properties with ${cybexp.home} set to the test's home. */
    private static Properties frameworkConfig(Path dist, Path home) throws IOException {
        Properties raw = new Properties();
        try (InputStream in = Files.newInputStream(dist.resolve("etc/config.properties"))) {
            raw.load(in);
        }
        Properties out = new Properties();
        for (String key : raw.stringPropertyNames()) {
            out.setProperty(key, raw.getProperty(key).replace("${cybexp.home}", home.toString()));
        }
        return out;
    }

    private static List<Path> jars(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static String jar(String property) {
        return Path.of(System.getProperty(property)).toUri().toString();
    }
}
