package org.cybexp.input.source.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import org.cybexp.input.source.upload.ServletWhiteboard.Publication;
import org.cybexp.input.source.upload.ServletWhiteboard.Served;
import org.junit.jupiter.api.Test;

/** What status says about the upload servlet, and when it is published again. */
class ServletKeeperTest {

    private final List<String> progress = new ArrayList<>();
    private final List<FakePublication> published = new ArrayList<>();
    private final Deque<Served> answers = new ArrayDeque<>();

    private final class FakePublication implements Publication {
        boolean unpublished;

        @Override
        public Served served() {
            return answers.isEmpty() ? Served.SERVED : answers.poll();
        }

        @Override
        public Optional<String> endpoint() {
            return Optional.of("http://127.0.0.1:8181/");
        }

        @Override
        public void unpublish() {
            unpublished = true;
        }
    }

    private ServletKeeper keeper() {
        return new ServletKeeper("desk", "/upload", () -> {
            FakePublication p = new FakePublication();
            published.add(p);
            return p;
        }, progress::add);
    }

    @Test
    void aServedServletSaysWhere() {
        keeper().check();
        assertEquals(List.of("serving /upload at http://127.0.0.1:8181/"), progress);
        assertEquals(1, published.size());
    }

    @Test
    void noWebServerIsSaidAndNeverRepublishedFor() {
        ServletKeeper keeper = keeper();
        for (int i = 0; i < 5; i++) {
            answers.add(Served.NO_WEB_SERVER);
            keeper.check();
        }
        assertTrue(progress.get(4).contains("etc/org.apache.felix.http.cfg is missing"), progress.get(4));
        assertEquals(1, published.size(), "nothing to gain from publishing again without a server");
    }

    @Test
    void aServletARunningServerLostIsPublishedAgainAfterAFewChecks() {
        ServletKeeper keeper = keeper();
        for (int i = 0; i < ServletKeeper.MISSES_BEFORE_REPUBLISH - 1; i++) {
            answers.add(Served.NOT_LISTED);
            keeper.check();
        }
        assertEquals(1, published.size(), "a server just started may list it a moment later");
        answers.add(Served.NOT_LISTED);
        keeper.check();
        assertEquals(2, published.size());
        assertTrue(published.get(0).unpublished, "the lost registration is taken down first");
        keeper.check();
        assertEquals("serving /upload at http://127.0.0.1:8181/", progress.get(progress.size() - 1));
        keeper.close();
        assertTrue(published.get(1).unpublished);
    }
}
