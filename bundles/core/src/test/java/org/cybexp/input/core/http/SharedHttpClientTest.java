package org.cybexp.input.core.http;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedHttpClientTest {

    @TempDir
    Path dir;

    @Test
    void oneClientPerDistinctSettingClosedWithTheService() throws Exception {
        SharedHttpClient shared = new SharedHttpClient();
        var verified = shared.client(HttpClientSettings.DEFAULT);
        assertSame(verified, shared.client(new HttpClientSettings(true, "", "")));
        assertNotSame(verified, shared.client(new HttpClientSettings(false, "", "")));
        assertNotSame(verified, shared.client(new HttpClientSettings(true, "", "http://127.0.0.1:3128")));
        shared.close();
        assertThrows(IOException.class, () -> shared.client(HttpClientSettings.DEFAULT));
    }

    @Test
    void aCaFileWithoutCertificatesIsRefusedClearly() throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        try (SharedHttpClient shared = new SharedHttpClient()) {
            IOException e = assertThrows(IOException.class,
                    () -> shared.client(new HttpClientSettings(true, pem.toString(), "")));
            assertTrue(e.getMessage().contains("ca_file"), e.getMessage());
        }
    }
}
