package org.cybexp.input.runtime.thirdparty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Maven as a plugin author would, on a generated project, isolated from the developer's setup: its local
 * repository is {@code runtime/target/it-repo} (where the build put this version's archetype, api and test kit)
 * and every remote repository is mirrored to the outer build's local repository through a {@code file:} URL.
 * So the nested builds use exactly what this build produced, and never need the network: the outer build has
 * already downloaded every plugin they use.
 */
final class NestedMaven {

    private static final long TIMEOUT_SECONDS = 180;

    private final Path mavenHome = Path.of(System.getProperty("cybexp.it.mavenHome"));
    private final Path repository = Path.of(System.getProperty("cybexp.it.repository"));
    private final Path settings;

    NestedMaven(Path work) throws IOException {
        Path outer = Path.of(System.getProperty("cybexp.it.outerRepository"));
        settings = Files.writeString(work.resolve("settings.xml"), """
                <settings>
                  <mirrors>
                    <mirror>
                      <id>outer-local-repository</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(outer.toUri()));
    }

    /**
     * Runs {@code mvn} in a folder; its output goes to {@code log}.
     *
     * @throws AssertionError with the end of the log if Maven fails
     */
    void run(Path dir, Path log, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(mavenHome.resolve("bin/mvn").toString(), "-B",
                "-Dstyle.color=never", "-s", settings.toString(), "-Dmaven.repo.local=" + repository));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // Maven itself runs briefly: a JIT that compiles less starts faster.
        builder.environment().put("MAVEN_OPTS", "-Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        builder.environment().remove("MAVEN_ARGS");
        builder.environment().remove("MAVEN_CONFIG");
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("mvn " + args[args.length - 1] + " did not end in " + TIMEOUT_SECONDS + " s:\n"
                    + tail(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("mvn " + String.join(" ", args) + " failed:\n" + tail(log));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
