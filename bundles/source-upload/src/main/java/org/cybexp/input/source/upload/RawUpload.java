package org.cybexp.input.source.upload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.cybexp.input.api.EmitResult;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.StopRequestedException;
import org.cybexp.input.source.upload.UploadKeys.Uploader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.HttpServletRequest;

/**
 * One {@code POST <path>/raw}: who sends it (the bearer key), whether the outbox takes it, the form checked
 * as {@code /raw} checks it, and then the file into the outbox (or a handoff folder) before the 202 and its
 * receipt. What can be refused from the headers alone (key, media type, length, a full outbox, a repeated
 * {@code Idempotency-Key}) is refused before the body is read. One audit line per upload, never the key.
 */
final class RawUpload {

    private static final Logger AUDIT = LoggerFactory.getLogger("org.cybexp.input.source.upload.audit");
    /** What a form may hold besides the file: its text fields, part headers and delimiters. */
    static final long ENVELOPE_BYTES = 1024 * 1024;
    static final long RETRY_AFTER_SECONDS = 30;
    private static final long STORE_TIMEOUT_SECONDS = 120;
    private static final int MAX_NAME_LENGTH = 256;

    private final UploadSettings settings;
    private final UploadKeys keys;
    private final ReceiptBook receipts;
    private final Path spool;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Object> uploaderLocks = new ConcurrentHashMap<>();

    RawUpload(UploadSettings settings, UploadKeys keys, ReceiptBook receipts, Path spool) {
        this.settings = settings;
        this.keys = keys;
        this.receipts = receipts;
        this.spool = spool;
    }

    /** The uploader of a request's bearer key, or the 401 to answer. */
    Object authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Answer.message(401, "Invalid/missing token in auth header!");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Answer.message(401, "Token must be of type Bearer!");
        }
        Optional<Uploader> uploader = keys.find(authorization.substring(7).strip());
        return uploader.isPresent() ? uploader.get() : Answer.message(401, "Invalid/missing token in auth header!");
    }

    Answer receive(HttpServletRequest request, FetchContext ctx) {
        String from = request.getRemoteAddr();
        if (ctx == null || ctx.stopRequested()) {
            return refused(from, "-", Answer.message(503, "The upload input is stopping; try again later")
                    .retryAfter(RETRY_AFTER_SECONDS).closing());
        }
        Instant received = ctx.clock().instant();
        Object who = authenticate(request.getHeader("Authorization"));
        if (who instanceof Answer refusal) {
            return refused(from, "-", refusal.closing());
        }
        Uploader uploader = (Uploader) who;
        Optional<String> boundary = MultipartReader.boundary(request.getContentType());
        if (boundary.isEmpty()) {
            return refused(from, uploader.name(), Answer.message(415,
                    "Content-Type must be multipart/form-data with a boundary, as at /raw").closing());
        }
        long length = request.getContentLengthLong();
        if (length > settings.maxBytes() + ENVELOPE_BYTES) {
            return refused(from, uploader.name(), tooLarge().closing());
        }
        String idempotency = Optional.ofNullable(request.getHeader("Idempotency-Key")).map(String::strip).orElse("");
        if (idempotency.length() > 200) {
            return refused(from, uploader.name(), Answer.message(400, "Invalid input: Idempotency-Key is longer "
                    + "than 200 characters").closing());
        }
        if (!idempotency.isEmpty()) {
            Optional<Receipt> earlier = receipts.byIdempotencyKey(uploader.name(), idempotency);
            if (earlier.isPresent()) {
                return replayed(from, earlier.get()).closing();
            }
        }
        if (!ctx.accepting()) {
            return full(from, uploader.name()).closing();
        }
        try (UploadForm form = UploadForm.read(new BoundedInput(request.getInputStream(),
                settings.maxBytes() + ENVELOPE_BYTES), boundary.get(), spool, settings.maxBytes())) {
            return take(form, uploader, idempotency, received, from, ctx);
        } catch (UploadForm.UnknownPart e) {
            return refused(from, uploader.name(), Answer.message(400, e.getMessage()).closing());
        } catch (UploadForm.TooLarge e) {
            return refused(from, uploader.name(), tooLarge().closing());
        } catch (MultipartReader.Malformed e) {
            return refused(from, uploader.name(), Answer.message(400, "Invalid input: " + e.getMessage()).closing());
        } catch (IOException e) {
            // the client went away mid-body, or the spool disk failed: nothing was taken
            return refused(from, uploader.name(), Answer.message(503, "The upload could not be read or spooled: "
                    + e.getMessage()).retryAfter(RETRY_AFTER_SECONDS).closing());
        }
    }

    private Answer take(UploadForm form, Uploader uploader, String idempotency, Instant received, String from,
            FetchContext ctx) throws IOException {
        Optional<Answer> invalid = check(form, uploader);
        if (invalid.isPresent()) {
            return refused(from, uploader.name(), invalid.get());
        }
        // One uploader's uploads pass the look-up and the store one at a time: two identical uploads sent at
        // once (a retry racing its original) would otherwise both miss the receipt book and both be posted.
        synchronized (lockOf(uploader)) {
            return takeChecked(form, uploader, idempotency, received, from, ctx);
        }
    }

    private Object lockOf(Uploader uploader) {
        return uploaderLocks.computeIfAbsent(uploader.name(), name -> new Object());
    }

    private Answer takeChecked(UploadForm form, Uploader uploader, String idempotency, Instant received,
            String from, FetchContext ctx) throws IOException {
        if (!idempotency.isEmpty()) {
            Optional<Receipt> earlier = receipts.byIdempotencyKey(uploader.name(), idempotency);
            if (earlier.isPresent()) {
                return replayed(from, earlier.get());
            }
        }
        String name = form.field("name").orElseThrow();
        String orgid = form.field("orgid").orElseThrow();
        String typetag = form.field("typetag").orElseThrow();
        String timezone = form.field("timezone").orElse("UTC");
        Optional<Receipt> same = receipts.bySameUpload(uploader.name(), form.sha256(), orgid, typetag, name);
        if (same.isPresent()) {
            return replayed(from, same.get());
        }
        Receipt receipt = new Receipt(newId(), uploader.name(), idempotency, name, form.filename(), orgid, typetag,
                timezone, form.bytes(), form.sha256(), Receipt.STORED, received.toString(), received.toString(), 0, "");
        Path folder = settings.handoff().get(typetag);
        if (folder != null) {
            Path target = HandoffFolder.place(form.file().orElseThrow(), folder, receipt.id(), name);
            form.released();
            receipt = receipt.settled(Receipt.HANDED_OFF, 0, "", ctx.clock().instant());
            receipts.put(receipt);
            AUDIT.info("upload {}: {} from {} handed off {} ({} bytes, sha256 {}) for org {} typetag {} to {}: "
                    + "receipt {}", settings.input(), uploader.name(), from, quoted(name), form.bytes(), form.sha256(),
                    orgid, typetag, target.getParent(), receipt.id());
            return accepted(receipt);
        }
        // the spool file (fsync'd) becomes the event's body: the outbox moves it in, never loading it
        Event event = Event.ofFile(form.file().orElseThrow(), mediaType(form.contentType()))
                .withName(name).withOrgid(orgid).withTypetag(typetag).withTimezone(ZoneId.of(timezone));
        Optional<Answer> notStored = store(ctx, event);
        if (notStored.isPresent()) {
            return refused(from, uploader.name(), notStored.get());
        }
        receipts.put(receipt);
        AUDIT.info("upload {}: {} from {} uploaded {} ({} bytes, sha256 {}) for org {} typetag {}: receipt {}",
                settings.input(), uploader.name(), from, quoted(name), form.bytes(), form.sha256(), orgid, typetag,
                receipt.id());
        return accepted(receipt);
    }

    /** The field checks of {@code /raw}, in its words, then the key's and the input's rights. */
    private Optional<Answer> check(UploadForm form, Uploader uploader) {
        for (String required : new String[] {"name", "orgid", "typetag"}) {
            if (form.field(required).isEmpty()) {
                return Optional.of(Answer.message(400, "Invalid input: KeyError('" + required + "') '" + required
                        + "'!"));
            }
        }
        if (form.file().isEmpty()) {
            return Optional.of(Answer.message(400, "Invalid or missing file!"));
        }
        String name = form.field("name").get();
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(c -> c < 0x20)) {
            return Optional.of(Answer.message(400, "Invalid input: name (at most " + MAX_NAME_LENGTH
                    + " characters, no control characters)"));
        }
        try {
            ZoneId.of(form.field("timezone").orElse("UTC"));
        } catch (DateTimeException e) {
            return Optional.of(Answer.message(400, "Invalid input: timezone"));
        }
        String orgid = form.field("orgid").get();
        if (!uploader.mayPostFor(orgid)) {
            return Optional.of(Answer.message(403, "You are not an admin of this org! (the key '" + uploader.name()
                    + "' may not post for orgid '" + orgid + "')"));
        }
        if (!settings.orgidAllowed(orgid)) {
            return Optional.of(Answer.message(403, "orgid '" + orgid + "' is not allowed at this endpoint "
                    + "(allowed_orgids of input " + settings.input() + ")"));
        }
        String typetag = form.field("typetag").get();
        if (!settings.typetagAllowed(typetag)) {
            return Optional.of(Answer.message(403, "typetag '" + typetag + "' is not allowed at this endpoint "
                    + "(allowed_typetags of input " + settings.input() + ")"));
        }
        return Optional.empty();
    }

    /** Stores the event durably; empty once it is on disk, else the answer that says why not. */
    private Optional<Answer> store(FetchContext ctx, Event event) {
        try {
            EmitResult result = ctx.emitDurably(event).toCompletableFuture().get(STORE_TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
            if (result == EmitResult.REFUSED_FULL) {
                return Optional.of(Answer.message(503, "The outbox is full (CYBEX-P is not taking events fast "
                        + "enough); try again later").retryAfter(RETRY_AFTER_SECONDS));
            }
            return Optional.empty(); // STORED, or DUPLICATE: stored before
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException) {
                return Optional.of(Answer.message(403, cause.getMessage()));
            }
            String why = cause instanceof StopRequestedException ? "the upload input is stopping"
                    : cause instanceof UncheckedIOException ? "the outbox could not store it (" + cause.getMessage() + ")"
                    : String.valueOf(cause);
            return Optional.of(Answer.message(503, "Not stored: " + why + "; try again later")
                    .retryAfter(RETRY_AFTER_SECONDS));
        } catch (TimeoutException e) {
            return Optional.of(Answer.message(503, "Not stored within " + STORE_TIMEOUT_SECONDS + " s; try again "
                    + "later (the same Idempotency-Key or file gets one receipt)").retryAfter(RETRY_AFTER_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(Answer.message(503, "Not stored: interrupted").retryAfter(RETRY_AFTER_SECONDS));
        }
    }

    private Answer accepted(Receipt receipt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receipt", receipt.id());
        body.put("status", settings.path() + "/receipts/" + receipt.id());
        body.put("state", receipt.state());
        return Answer.of(202, body);
    }

    private Answer replayed(String from, Receipt earlier) {
        AUDIT.info("upload {}: {} from {} sent {} again: the first receipt {}", settings.input(), earlier.uploader(),
                from, quoted(earlier.name()), earlier.id());
        return accepted(earlier);
    }

    private Answer tooLarge() {
        return Answer.message(413, "The file is larger than the " + settings.maxBytes()
                + " bytes this endpoint takes (max_bytes)");
    }

    private Answer full(String from, String uploader) {
        return refused(from, uploader, Answer.message(503, "The outbox is full (CYBEX-P is not taking events fast "
                + "enough); try again later").retryAfter(RETRY_AFTER_SECONDS));
    }

    private Answer refused(String from, String uploader, Answer answer) {
        AUDIT.info("upload {}: refused {} from {} ({}): {}", settings.input(), uploader, from, answer.status(),
                answer.message());
        return answer;
    }

    private String newId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** The file part's media type when it is a plain type/subtype; else octet-stream. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "application/octet-stream";
        }
        String type = contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        return type.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+") ? type : "application/octet-stream";
    }

    private static String quoted(String name) {
        return "'" + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'";
    }
}
