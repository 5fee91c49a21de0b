package org.cybexp.input.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.testing.Configs;
import org.cybexp.input.core.testing.DirEventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core's hold on the outbox across an update of the delivery bundle. */
class DeliveryLinkTest {

    @TempDir
    Path dir;

    private final InputConfig input = Configs.input("feed", 60);

    @Test
    void whileTheDeliveryServiceIsAwayTheOutboxCountsAsFullAndNothingIsStored() throws Exception {
        DeliveryLink link = new DeliveryLink(Duration.ofMillis(50));
        DirEventStore before = new DirEventStore(dir.resolve("before"));
        link.bind(before);
        assertTrue(link.accepting("feed"));
        link.append(input, List.of(Event.ofText("one", "text/plain")), null);

        link.unbind(before);
        assertFalse(link.accepting("feed"), "pollers wait in back-pressure, listeners answer busy");
        assertEquals(DeliveryStats.NONE, link.stats("feed"));
        IOException refused = assertThrows(IOException.class,
                () -> link.append(input, List.of(Event.ofText("two", "text/plain")), null));
        assertTrue(refused.getMessage().contains("delivery bundle"), refused.getMessage());
        assertThrows(IOException.class, () -> link.lastCommit("feed"), "waits only its patience");

        DirEventStore after = new DirEventStore(dir.resolve("after"));
        link.bind(after);
        link.append(input, List.of(Event.ofText("three", "text/plain")), new byte[] {1});
        assertEquals(List.of("one"), before.stored("feed"));
        assertEquals(List.of("three"), after.stored("feed"));
    }

    @Test
    void readingTheLastCommitWaitsForTheNewService() throws Exception {
        DeliveryLink link = new DeliveryLink(Duration.ofSeconds(30));
        CompletableFuture<Optional<byte[]>> commit = CompletableFuture.supplyAsync(() -> {
            try {
                return link.lastCommit("feed");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        DirEventStore store = new DirEventStore(dir);
        store.append(input, List.of(), new byte[] {7});
        link.bind(store);
        assertEquals(7, commit.get(10, TimeUnit.SECONDS).orElseThrow()[0]);
    }

    @Test
    void anOldServiceGoingAfterTheNewOneCameStaysReplaced() {
        DeliveryLink link = new DeliveryLink(Duration.ofMillis(1));
        DirEventStore old = new DirEventStore(dir.resolve("old"));
        DirEventStore replacement = new DirEventStore(dir.resolve("new"));
        link.bind(old);
        link.bind(replacement); // a greedy reference binds the new one before the old one is unbound
        link.unbind(old);
        assertTrue(link.accepting("feed"));
    }
}
