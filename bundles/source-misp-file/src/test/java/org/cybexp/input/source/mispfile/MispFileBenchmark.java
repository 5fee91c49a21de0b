package org.cybexp.input.source.mispfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.source.misp.MispBench;
import org.cybexp.input.testkit.InputConfigs;

/**
 * One look of the MISP files input at a directory holding one large restSearch download, with whatever heap the
 * JVM was given ({@code bench/misp/run.sh}). Usage: {@code MispFileBenchmark [events] [download file]}; the
 * download is generated once and reused (linked into a scratch directory, which is deleted afterwards);
 * {@code -Dbench.generateOnly=true} only generates it.
 */
public final class MispFileBenchmark {

    private MispFileBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 20_000;
        Path download = MispBench.generate(Path.of(args.length > 1 ? args[1]
                : "target/bench/download-" + events + ".json"), events);
        if (Boolean.getBoolean("bench.generateOnly")) {
            return;
        }
        Path drop = Files.createTempDirectory("misp-file-bench");
        try {
            Files.createLink(drop.resolve("download.json"), download.toAbsolutePath());
            MispFilePlugin plugin = new MispFilePlugin();
            InputConfig config = InputConfigs.of(plugin, "bench", Map.of("orgid", "bench", "directory",
                    drop.toString(), "min_age", "0"));
            MispBench.run("misp_file, " + (Files.size(download) >> 20) + " MiB file", plugin.open(config), config,
                    events);
        } finally {
            try (Stream<Path> paths = Files.walk(drop)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
