package org.cybexp.input.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's class data archive (CDS), seen from inside the daemon. {@code bin/cybexp-input} chooses the flags:
 * a start with an archive for this Java and these jars maps it ({@code -XX:SharedArchiveFile}); a start without
 * one has the JVM write it when the daemon stops ({@code -XX:ArchiveClassesAtExit=<archive>.part}) and says so
 * with {@code -Dcybexp.cds.archive}. The JVM does not create the folder it writes to: that is done here, at boot.
 */
final class ClassDataArchive {

    /** Set by bin/cybexp-input when this run writes the archive at its exit. */
    static final String ARCHIVE = "cybexp.cds.archive";

    private static final Logger LOG = Logger.getLogger(ClassDataArchive.class.getName());

    private ClassDataArchive() {
    }

    /** Prepares the folder the archive is written to at exit, if this run writes one. */
    static void prepareIfWritten() {
        String archive = System.getProperty(ARCHIVE);
        if (archive == null || archive.isBlank()) {
            return;
        }
        Path target = Path.of(archive);
        try {
            Files.createDirectories(target.getParent());
            LOG.info(() -> "no class data archive yet for this Java and these jars: the daemon writes "
                    + target.getParent().getParent().getFileName() + "/" + target.getParent().getFileName() + "/"
                    + target.getFileName() + " when it stops (a few seconds), and later starts map it");
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot create {0} ({1}): no class data archive, starts load every class",
                    new Object[] {target.getParent(), e.getMessage()});
        }
    }
}
