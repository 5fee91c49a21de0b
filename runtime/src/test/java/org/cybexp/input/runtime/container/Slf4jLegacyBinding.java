package org.cybexp.input.runtime.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Pax Exam's bundles log through slf4j 1.7 while the runtime ships slf4j 2. The 1.7 binding's manifest imports
 * {@code org.slf4j;version=1.7.36} with no upper bound, so the resolver wires it to the 2.x API and the 1.7 API
 * fails with a LinkageError. This copies the binding with its imports bounded to {@code [1.7,2)}.
 */
final class Slf4jLegacyBinding {

    private static final String RANGE = ";version=\"[1.7,2)\"";

    private Slf4jLegacyBinding() {
    }

    static Path bounded(Path binding, Path folder) throws IOException {
        Path out = folder.resolve("bounded-" + binding.getFileName());
        try (JarFile in = new JarFile(binding.toFile());
                OutputStream file = Files.newOutputStream(out)) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Import-Package"),
                    "org.slf4j" + RANGE + ",org.slf4j.spi" + RANGE + ",org.slf4j.helpers" + RANGE
                            + ",org.slf4j.event" + RANGE);
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-SymbolicName"),
                    manifest.getMainAttributes().getValue("Bundle-SymbolicName") + ".bounded");
            try (JarOutputStream jar = new JarOutputStream(file, manifest)) {
                for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements();) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    jar.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream content = in.getInputStream(entry)) {
                        content.transferTo(jar);
                    }
                    jar.closeEntry();
                }
            }
        }
        return out;
    }
}
