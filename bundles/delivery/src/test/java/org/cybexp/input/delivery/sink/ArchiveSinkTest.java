package org.cybexp.input.delivery.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ArchiveSinkTest {

    @Test
    void extensionByMediaType() {
        assertEquals("txt", ArchiveSink.extension("text/plain; charset=utf-8"));
        assertEquals("txt", ArchiveSink.extension("text/csv"));
        assertEquals("json", ArchiveSink.extension("application/json"));
        assertEquals("json", ArchiveSink.extension("application/vnd.misp+json"));
        assertEquals("jsonl", ArchiveSink.extension("application/x-ndjson"));
        assertEquals("bin", ArchiveSink.extension("application/octet-stream"));
        assertEquals("bin", ArchiveSink.extension("application/x-bzip2"));
    }
}
