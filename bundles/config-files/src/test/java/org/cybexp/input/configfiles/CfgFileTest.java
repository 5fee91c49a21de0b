package org.cybexp.input.configfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CfgFileTest {

    @TempDir
    Path etc;

    @Test
    void namesSplitAtTheFirstDashAsFileInstallDoes() {
        CfgFile factory = CfgFile.of(etc.resolve("cybexp.source.openphish-main-2.cfg"));
        assertEquals("cybexp.source.openphish", factory.pid());
        assertEquals("main-2", factory.name());
        CfgFile singleton = CfgFile.of(etc.resolve("cybexp.api.cfg"));
        assertEquals("cybexp.api", singleton.pid());
        assertNull(singleton.name());
    }

    @Test
    void onlyOurFilesAreOurs() {
        assertTrue(CfgFile.isOurs(etc.resolve("cybexp.api.cfg")));
        assertFalse(CfgFile.isOurs(etc.resolve("org.apache.felix.http.cfg")));
        assertFalse(CfgFile.isOurs(etc.resolve("cybexp.api.cfg.swp")));
    }

    @Test
    void referencesAndFrameworkPropertiesAreReadAsWritten() throws Exception {
        Path file = Files.writeString(etc.resolve("cybexp.api.cfg"), "# the sink\nurl = http://h/raw \n"
                + "token = ${env:CYBEXP_TOKEN}\nca_file = ${file:/run/ca}\nhome = ${cybexp.home}/x\n");
        Hashtable<String, Object> values = CfgFile.of(file).read(StandardCharsets.ISO_8859_1);
        assertEquals("http://h/raw", values.get("url"));
        assertEquals("${env:CYBEXP_TOKEN}", values.get("token"));
        assertEquals("${file:/run/ca}", values.get("ca_file"));
        assertEquals("${cybexp.home}/x", values.get("home"));
        assertEquals(file.toUri().toString(), values.get(CfgFile.FILENAME));
    }
}
