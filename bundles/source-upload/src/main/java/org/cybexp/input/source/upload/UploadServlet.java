package org.cybexp.input.source.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.source.upload.UploadKeys.Uploader;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The endpoint's routes under its {@code path}: {@code POST raw} (the upload), {@code GET receipts/<id>},
 * {@code GET receipts} (the key's latest), {@code GET key} (what the key may do) and the page ({@code GET /},
 * {@code upload.js}, {@code upload.css}). Everything but the page needs the bearer key; a receipt is shown to its own key only.
 */
final class UploadServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern RECEIPT = Pattern.compile("/receipts/([0-9a-f]{32})");
    private static final int LATEST = 20;

    private final transient UploadSettings settings;
    private final transient RawUpload uploads;
    private final transient ReceiptBook receipts;
    private final transient Supplier<FetchContext> live;
    private final transient Runnable follow;

    /** @param follow looks up the delivery of receipts still stored, before one is shown */
    UploadServlet(UploadSettings settings, RawUpload uploads, ReceiptBook receipts, Supplier<FetchContext> live,
            Runnable follow) {
        this.settings = settings;
        this.uploads = uploads;
        this.receipts = receipts;
        this.live = live;
        this.follow = follow;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String route = request.getPathInfo() == null ? "" : request.getPathInfo();
        String method = request.getMethod();
        if (route.isEmpty()) {
            response.sendRedirect(settings.path() + "/");
        } else if (route.equals("/raw")) {
            if (!method.equals("POST")) {
                notAllowed(response, "POST");
                return;
            }
            Answer answer = uploads.receive(request, live.get());
            answer.send(response);
            response.flushBuffer(); // out before the connection may be closed on an unread body
        } else if (!method.equals("GET") && !method.equals("HEAD")) {
            notAllowed(response, "GET");
        } else if (route.equals("/")) {
            page(response);
        } else if (route.equals("/upload.js")) {
            resource(response, "upload.js", "text/javascript");
        } else if (route.equals("/upload.css")) {
            resource(response, "upload.css", "text/css");
        } else if (route.equals("/receipts") || RECEIPT.matcher(route).matches() || route.equals("/key")) {
            authenticated(request, response, route);
        } else {
            Answer.message(404, "Not found: " + settings.path() + route).send(response);
        }
    }

    private void authenticated(HttpServletRequest request, HttpServletResponse response, String route)
            throws IOException {
        Object who = uploads.authenticate(request.getHeader("Authorization"));
        if (who instanceof Answer refusal) {
            refusal.send(response);
            return;
        }
        Uploader uploader = (Uploader) who;
        follow.run();
        if (route.equals("/key")) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", uploader.name());
            body.put("orgids", uploader.orgids().stream().sorted().toList());
            body.put("max_bytes", settings.maxBytes());
            Answer.of(200, body).send(response);
        } else if (route.equals("/receipts")) {
            List<Map<String, Object>> latest = receipts.latest(uploader.name(), LATEST).stream()
                    .map(r -> r.view(settings.path())).toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("receipts", latest);
            Answer.of(200, body).send(response);
        } else {
            String id = route.substring("/receipts/".length());
            Optional<Receipt> receipt = receipts.get(id).filter(r -> r.uploader().equals(uploader.name()));
            if (receipt.isEmpty()) {
                Answer.message(404, "No receipt " + id + " for this key").send(response);
            } else {
                Answer.of(200, receipt.get().view(settings.path())).send(response);
            }
        }
    }

    private void page(HttpServletResponse response) throws IOException {
        String html = text("upload.html").replace("{{PATH}}", settings.path())
                .replace("{{MAX_BYTES}}", Long.toString(settings.maxBytes()))
                .replace("{{INPUT}}", escape(settings.input()));
        send(response, html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
    }

    private void resource(HttpServletResponse response, String name, String type) throws IOException {
        send(response, text(name).getBytes(StandardCharsets.UTF_8), type + "; charset=utf-8");
    }

    private static void send(HttpServletResponse response, byte[] body, String type) throws IOException {
        response.setStatus(200);
        response.setContentType(type);
        // the page's script is a file of its own: no inline script, nothing from elsewhere, no framing
        response.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static String text(String name) throws IOException {
        try (InputStream in = UploadServlet.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void notAllowed(HttpServletResponse response, String allow) throws IOException {
        response.setHeader("Allow", allow);
        Answer.message(405, "Method not allowed; use " + allow).send(response);
    }
}
