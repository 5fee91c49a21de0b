package org.cybexp.input.runtime.thirdparty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A source-plugin project generated from the plugin template (the archetype of this build) with a fresh
 * plugin name, built and edited as its author would.
 */
final class PluginProject {

    static final String GROUP_ID = "org.example.thirdparty";

    private final NestedMaven maven;
    private final Path dir;
    private final String artifactId;
    private String version;

    private PluginProject(NestedMaven maven, Path dir, String artifactId, String version) {
        this.maven = maven;
        this.dir = dir;
        this.artifactId = artifactId;
        this.version = version;
    }

    /**
     * {@code mvn archetype:generate} in {@code work}, non-interactive, the plugin name and the given options
     * ({@code -Dstreaming=false}, ...) only.
     */
    static PluginProject generate(NestedMaven maven, Path work, String pluginName, String... options)
            throws Exception {
        String artifactId = pluginName.replace('_', '-') + "-source";
        String version = "1.0.0";
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("-DarchetypeGroupId=org.cybexp.input", "-DarchetypeArtifactId=cybexp-input-plugin-archetype",
                "-DarchetypeVersion=" + System.getProperty("cybexp.it.version"), "-DarchetypeCatalog=local",
                "-DinteractiveMode=false", "-DgroupId=" + GROUP_ID, "-DartifactId=" + artifactId,
                "-Dversion=" + version, "-Dpackage=" + GROUP_ID + "." + pluginName, "-DpluginName=" + pluginName,
                System.getProperty("cybexp.it.archetypePlugin") + ":generate"));
        maven.run(work, work.resolve("generate-" + pluginName + ".log"), args.toArray(String[]::new));
        return new PluginProject(maven, work.resolve(artifactId), artifactId, version);
    }

    /** The archetype's default {@code classPrefix}: the name capitalised, {@code _} removed. */
    static String classPrefix(String pluginName) {
        return Character.toUpperCase(pluginName.charAt(0)) + pluginName.substring(1).replace("_", "");
    }

    Path dir() {
        return dir;
    }

    /**
     * {@code mvn verify} (the generated unit tests and the integration test in the distribution), or
     * {@code mvn -DskipTests package}; returns the bundle.
     */
    Path build(boolean withTests) throws Exception {
        maven.run(dir, dir.resolve("build-" + version + ".log"),
                withTests ? new String[] {"verify"} : new String[] {"-DskipTests", "package"});
        return dir.resolve("target/" + artifactId + "-" + version + ".jar");
    }

    /**
     * {@code mvn -o verify}: the author's rebuild without a network, after one online build filled the local
     * repository; returns the bundle.
     */
    Path verifyOffline() throws Exception {
        maven.run(dir, dir.resolve("verify-offline-" + version + ".log"), "-o", "verify");
        return dir.resolve("target/" + artifactId + "-" + version + ".jar");
    }

    /** The project's main and test source files, by file name. */
    List<String> sourceFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("src"))) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** Sets the project's version, as an author does for a release. */
    void version(String next) throws IOException {
        Path pom = dir.resolve("pom.xml");
        String text = Files.readString(pom);
        String current = "<version>" + version + "</version>";
        if (!text.contains(current)) {
            throw new AssertionError("no " + current + " in the generated pom");
        }
        Files.writeString(pom, text.replaceFirst(java.util.regex.Pattern.quote(current),
                "<version>" + next + "</version>"));
        version = next;
    }

    /** Replaces a text in the first main source file whose name matches {@code fileName} (a regex). */
    void edit(String fileName, String from, String to) throws IOException {
        Path source;
        try (Stream<Path> files = Files.walk(dir.resolve("src/main/java"))) {
            source = files.filter(f -> f.getFileName().toString().matches(fileName)).findFirst()
                    .orElseThrow(() -> new AssertionError("no source file " + fileName));
        }
        String text = Files.readString(source);
        if (!text.contains(from)) {
            throw new AssertionError(source.getFileName() + " does not contain " + from);
        }
        Files.writeString(source, text.replace(from, to));
    }
}
