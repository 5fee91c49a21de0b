package org.cybexp.input.runtime;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The distribution folder ({@code bin/ bundle/ deploy/ etc/ data/ log/}): {@code CYBEXP_HOME} if set, else the
 * parent of the folder holding the launcher jar ({@code bin/}).
 */
record Home(Path root) {

    static final String ENV = "CYBEXP_HOME";

    static Home locate() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return new Home(Path.of(env).toAbsolutePath().normalize());
        }
        try {
            Path jar = Path.of(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path bin = Files.isDirectory(jar) ? jar : jar.getParent();
            return new Home(bin.getParent().toAbsolutePath().normalize());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot find the distribution folder; set " + ENV, e);
        }
    }

    Path bin() {
        return root.resolve("bin");
    }

    Path etc() {
        return root.resolve("etc");
    }

    Path data() {
        return root.resolve("data");
    }

    Path runningConfig() {
        return data().resolve("runningconfig");
    }

    Path daemonLock() {
        return data().resolve("daemon.lock");
    }

    Path log() {
        return root.resolve("log").resolve("cybexp-input.log");
    }
}
