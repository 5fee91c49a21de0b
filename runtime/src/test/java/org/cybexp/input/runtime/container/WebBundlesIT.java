package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The built distribution's {@code bundle/web/} (the web stack, started at level 4 after the inputs) is not
 * scanned: {@code felix.auto.start.4} must list exactly its jars, or a jar there would silently never start.
 */
class WebBundlesIT {

    private static final Pattern WEB_JAR = Pattern.compile("\"file:\\$\\{cybexp.home}/bundle/web/([^\"]+)\"");

    @Test
    void levelFourListsExactlyTheJarsOfBundleWeb() throws IOException {
        Path dist = Path.of(System.getProperty("cybexp.dist"));
        Properties config = new Properties();
        try (Reader in = Files.newBufferedReader(dist.resolve("etc/config.properties"))) {
            config.load(in);
        }
        assertEquals("4", config.getProperty("org.osgi.framework.startlevel.beginning"));
        Set<String> listed = new TreeSet<>();
        Matcher m = WEB_JAR.matcher(config.getProperty("felix.auto.start.4", ""));
        while (m.find()) {
            listed.add(m.group(1));
        }
        Set<String> present;
        try (Stream<Path> files = Files.list(dist.resolve("bundle/web"))) {
            present = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jar"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertTrue(present.contains("org.apache.felix.http.jetty12.jar") && present.contains(
                "org.cybexp.input.console.jar"), "the web server and the console are in bundle/web/: " + present);
        assertEquals(present, listed);
        try (Stream<Path> files = Files.list(dist.resolve("bundle"))) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("org.apache.felix.http.jetty")),
                    "the web server is not also in bundle/ (it would start at level 3, before the inputs)");
        }
    }
}
