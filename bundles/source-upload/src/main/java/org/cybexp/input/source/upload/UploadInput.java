package org.cybexp.input.source.upload;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.core.control.DeliveryFates;

/**
 * A running upload endpoint: while {@link #fetch} runs, its servlet is on the web server; every second it
 * asks the delivery what became of the receipts still stored, and checks the web server still serves it. A
 * spool file left by a crash mid-upload is deleted at start: that upload never got its 202.
 */
final class UploadInput implements SourceInput {

    static final Duration FOLLOW_EVERY = Duration.ofSeconds(1);

    private final UploadSettings settings;
    private final ServletWhiteboard whiteboard;
    private final DeliveryFates fates;
    private final Path dir;
    private volatile FetchContext live;

    /** @param dir the input's own folder under {@code data/upload/} */
    UploadInput(UploadSettings settings, ServletWhiteboard whiteboard, DeliveryFates fates, Path dir) {
        this.settings = settings;
        this.whiteboard = whiteboard;
        this.fates = fates;
        this.dir = dir;
    }

    @Override
    public Mode mode() {
        return Mode.STREAMING;
    }

    @Override
    public void fetch(FetchContext ctx) throws IOException, InterruptedException {
        fates.keep(settings.input()); // before the servlet takes the first upload: its fate must be kept
        Path spool = dir.resolve("spool");
        clearSpool(spool);
        ReceiptBook receipts = new ReceiptBook(dir.resolve("receipts"), settings.idempotency(), ctx.clock()).load();
        RawUpload uploads = new RawUpload(settings, new UploadKeys(settings.keysFile()), receipts, spool);
        Runnable follow = () -> receipts.follow(settings.input(), fates);
        live = ctx;
        UploadServlet servlet = new UploadServlet(settings, uploads, receipts, () -> live, follow);
        ServletKeeper keeper = new ServletKeeper(settings.input(), settings.path(),
                () -> whiteboard.publish("cybexp-upload-" + settings.input(), settings.path(), servlet),
                ctx::progress);
        try {
            keeper.check();
            while (!ctx.awaitStop(FOLLOW_EVERY)) {
                follow.run();
                keeper.check();
            }
        } finally {
            live = null;
            keeper.close();
        }
    }

    private static void clearSpool(Path spool) throws IOException {
        if (!Files.isDirectory(spool)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(spool, "*.part")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public void close() {
        live = null;
    }
}
