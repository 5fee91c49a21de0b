package org.cybexp.input.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cybexp.input.core.reference.ValueReferences;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.core.testing.DirEventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CybexSourceServiceTest {

    @TempDir
    Path dir;

    @Test
    void validatesAndPostsToTheOutbox() throws Exception {
        DirEventStore outbox = new DirEventStore(dir);
        CybexSourceService service = new CybexSourceService(
                new CommonConfigValidator(new ValueReferences(name -> null)));
        service.bindEvents(outbox);
        SourcePlugin plugin = new SourcePlugin() {
            @Override
            public String name() {
                return "file";
            }

            @Override
            public SourceInput open(InputConfig config) {
                return ctx -> { };
            }
        };
        InputConfig config = service.validate(plugin, "local", Map.of("orgid", "o", "typetag", "t"));
        service.post(config, Event.ofText("raw record", "text/plain"));
        assertEquals(List.of("raw record"), outbox.stored("local"));
    }
}
