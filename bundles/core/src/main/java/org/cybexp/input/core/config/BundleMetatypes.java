package org.cybexp.input.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The metatype documents of the bundle (or, in a plain unit test, the class folder or jar) a class comes from:
 * its {@code OSGI-INF/metatype/*.xml}. Read once per class and kept in a {@link ClassValue}, which does not keep
 * the class alive: an uninstalled plugin's class loader can be collected, an updated plugin comes back with new
 * classes and so is read again.
 */
final class BundleMetatypes {

    private static final String FOLDER = "OSGI-INF/metatype";

    private final ClassValue<List<MetatypeDocument>> cache = new ClassValue<>() {
        @Override
        protected List<MetatypeDocument> computeValue(Class<?> type) {
            return read(type);
        }
    };

    /** The object class designated to a (factory) PID by the documents of {@code type}'s bundle, if any. */
    Optional<ObjectClass> designated(Class<?> type, String pid) {
        return documents(type).stream().map(document -> document.designated(pid)).flatMap(Optional::stream)
                .findFirst();
    }

    /**
     * An object class of {@code type}'s bundle by its id, or else from {@code OSGI-INF/metatype/<id>.xml} through
     * the class's loader: the test kit carries private copies of the core's classes but not the core's metatype,
     * which its plain class path has in the core's jar.
     */
    Optional<ObjectClass> objectClass(Class<?> type, String id) {
        Optional<ObjectClass> beside = documents(type).stream().map(document -> document.objectClasses().get(id))
                .filter(ocd -> ocd != null).findFirst();
        return beside.isPresent() ? beside : fromLoader(type, id);
    }

    private static Optional<ObjectClass> fromLoader(Class<?> type, String id) {
        ClassLoader loader = type.getClassLoader();
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(FOLDER + "/" + id + ".xml")) {
            return in == null ? Optional.empty() : Optional.ofNullable(MetatypeDocument.parse(in).objectClasses().get(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metatype " + id, e);
        }
    }

    private List<MetatypeDocument> documents(Class<?> type) {
        return cache.get(type);
    }

    private static List<MetatypeDocument> read(Class<?> type) {
        try {
            Optional<List<URL>> entries;
            try {
                entries = FrameworkEntries.of(type, FOLDER);
            } catch (LinkageError noFramework) {
                entries = Optional.empty(); // a class path without the OSGi framework API (a plugin's own tests)
            }
            return entries.isPresent() ? fromUrls(entries.get()) : fromCodeSource(type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metatype of " + type.getName(), e);
        }
    }

    private static List<MetatypeDocument> fromUrls(List<URL> entries) throws IOException {
        List<MetatypeDocument> documents = new ArrayList<>();
        for (URL entry : entries) {
            try (InputStream in = entry.openStream()) {
                documents.add(MetatypeDocument.parse(in));
            }
        }
        return documents;
    }

    private static List<MetatypeDocument> fromCodeSource(Class<?> type) throws IOException {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return List.of();
        }
        Path location;
        try {
            location = Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return List.of();
        }
        return Files.isDirectory(location) ? fromFolder(location.resolve(FOLDER)) : fromJar(location);
    }

    private static List<MetatypeDocument> fromFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<MetatypeDocument> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".xml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    documents.add(MetatypeDocument.parse(in));
                }
            }
        }
        return documents;
    }

    private static List<MetatypeDocument> fromJar(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            return List.of();
        }
        List<MetatypeDocument> documents = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : file.stream().toList()) {
                String name = entry.getName();
                if (name.startsWith(FOLDER + "/") && name.endsWith(".xml") && name.indexOf('/', FOLDER.length() + 1) < 0) {
                    try (InputStream in = file.getInputStream(entry)) {
                        documents.add(MetatypeDocument.parse(in));
                    }
                }
            }
        }
        return documents;
    }
}
