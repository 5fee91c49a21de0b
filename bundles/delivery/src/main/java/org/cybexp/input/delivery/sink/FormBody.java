package org.cybexp.input.delivery.sink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.message.BasicNameValuePair;

import org.cybexp.input.delivery.store.EventHeader;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.StoredEvent;

/**
 * The multipart/form-data body of one post, written straight from bytes: the text parts {@code name},
 * {@code orgid}, {@code typetag}, {@code timezone} and then the {@code file} part, in the form HttpClient's
 * {@code MultipartEntityBuilder} in legacy mode writes them. Built directly because the builder, its part objects
 * and its header formatting were a large share of the CPU of a post to a fast API (profiled): here one
 * {@code StringBuilder} makes everything before the body, and the body's bytes are written as they are. One
 * boundary per sink: it only has to be unlikely to occur in a body.
 */
final class FormBody {

    private final String boundary = "cybexp_boundary_" + UUID.randomUUID();
    /** Formatted once: an entity made from a {@link ContentType} formats it again for every post. */
    private final String contentType = ContentType.create("multipart/form-data")
            .withParameters(new BasicNameValuePair("boundary", boundary)).toString();
    private final byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);

    /** The {@code Content-Type} of every post of this body's sink. */
    String contentType() {
        return contentType;
    }

    /**
     * The entity of one post: repeatable, its length known (no chunked encoding). A body kept in a blob file is
     * streamed from it, never loaded.
     */
    AbstractHttpEntity entity(StoredEvent event) {
        byte[] head = head(event.header());
        if (event.record().inFile()) {
            return new FileEntity(contentType, head, event.record(), tail);
        }
        return new Entity(contentType, head, event.body(), tail);
    }

    private byte[] head(EventHeader header) {
        StringBuilder text = new StringBuilder(320);
        part(text, "name", header.name());
        part(text, "orgid", header.orgid());
        part(text, "typetag", header.typetag());
        part(text, "timezone", header.timezone());
        text.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"file\"\r\nContent-Type: ").append(mediaType(header.mediaType())).append("\r\n\r\n");
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void part(StringBuilder text, String name, String value) {
        text.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(name)
                .append("\"\r\n\r\n").append(value == null ? "" : value).append("\r\n");
    }

    /** The latest media type and its header value: an input's events nearly always have one. */
    private record Known(String stored, String header) {
    }

    private volatile Known known;

    private String mediaType(String stored) {
        Known last = known;
        if (last != null && Objects.equals(last.stored(), stored)) {
            return last.header();
        }
        String header = parsedMediaType(stored);
        known = new Known(stored, header);
        return header;
    }

    /** The body's media type as a header value: parsed, so no line break of a stored value reaches the header. */
    private static String parsedMediaType(String mediaType) {
        try {
            String parsed = ContentType.parse(mediaType).toString();
            if (parsed.indexOf('\r') < 0 && parsed.indexOf('\n') < 0) {
                return parsed;
            }
        } catch (RuntimeException e) {
            // unparsable: as an octet stream
        }
        return ContentType.APPLICATION_OCTET_STREAM.getMimeType();
    }

    /** Head, the blob file's bytes and tail, streamed: a body of a GiB passes through a small buffer. */
    private static final class FileEntity extends AbstractHttpEntity {

        private final byte[] head;
        private final EventRecord record;
        private final byte[] tail;

        FileEntity(String contentType, byte[] head, EventRecord record, byte[] tail) {
            super(contentType, null);
            this.head = head;
            this.record = record;
            this.tail = tail;
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }

        @Override
        public long getContentLength() {
            return (long) head.length + record.header().length() + tail.length;
        }

        @Override
        public InputStream getContent() throws IOException {
            return new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(head),
                    record.openBody(), new ByteArrayInputStream(tail))));
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(head);
            try (InputStream body = record.openBody()) {
                body.transferTo(out);
            }
            out.write(tail);
            out.flush();
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public void close() {
            // each write opens and closes the file itself
        }
    }

    /** Head, body and tail written one after the other, without copying the body. */
    private static final class Entity extends AbstractHttpEntity {

        private final byte[] head;
        private final byte[] body;
        private final byte[] tail;

        Entity(String contentType, byte[] head, byte[] body, byte[] tail) {
            super(contentType, null);
            this.head = head;
            this.body = body;
            this.tail = tail;
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }

        @Override
        public long getContentLength() {
            return (long) head.length + body.length + tail.length;
        }

        @Override
        public InputStream getContent() {
            return new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(head),
                    new ByteArrayInputStream(body), new ByteArrayInputStream(tail))));
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(head);
            out.write(body);
            out.write(tail);
            out.flush();
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
