package org.cybexp.input.source.http;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceException;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How pages follow each other ({@code pagination}) and when the last one came: an empty page, a page shorter
 * than {@code page_size} (page, offset), a missing cursor or next URL. A next URL on another host than
 * {@code url} is refused: the input's credentials go with every page.
 */
final class Paging {

    enum Mode { NONE, PAGE, OFFSET, CURSOR, NEXT_URL, LINK }

    /** The page after this one, or why there is none. */
    record Step(Optional<PagePosition> next, String end) {
        static Step last(String why) {
            return new Step(Optional.empty(), why);
        }

        static Step to(PagePosition position) {
            return new Step(Optional.of(position), "");
        }
    }

    private final Mode mode;
    private final String pageParam;
    private final long pageStart;
    private final String sizeParam;
    private final int size;
    private final String cursorParam;
    private final JsonPointer cursorPath;
    private final JsonPointer nextUrlPath;

    private Paging(Mode mode, String pageParam, long pageStart, String sizeParam, int size, String cursorParam,
            JsonPointer cursorPath, JsonPointer nextUrlPath) {
        this.mode = mode;
        this.pageParam = pageParam;
        this.pageStart = pageStart;
        this.sizeParam = sizeParam;
        this.size = size;
        this.cursorParam = cursorParam;
        this.cursorPath = cursorPath;
        this.nextUrlPath = nextUrlPath;
    }

    static Paging of(HttpPlugin.Config typed) throws InvalidConfigException {
        Mode mode;
        try {
            mode = Mode.valueOf(typed.pagination().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("pagination", "must be none, page, offset, cursor, next_url or link");
        }
        String pageParam = typed.page__param().strip();
        if (pageParam.isEmpty()) {
            pageParam = mode == Mode.OFFSET ? "offset" : "page";
        }
        JsonPointer cursorPath = RecordReader.pointer("cursor_path", typed.cursor__path().strip());
        if (mode == Mode.CURSOR && cursorPath == null) {
            throw new InvalidConfigException("cursor_path", "is required with pagination = cursor, e.g. /meta/next_cursor");
        }
        if (mode == Mode.CURSOR && typed.cursor__param().isBlank()) {
            throw new InvalidConfigException("cursor_param", "is required with pagination = cursor");
        }
        JsonPointer nextUrlPath = RecordReader.pointer("next_url_path", typed.next__url__path().strip());
        if (mode == Mode.NEXT_URL && nextUrlPath == null) {
            throw new InvalidConfigException("next_url_path", "is required with pagination = next_url, e.g. /next");
        }
        if (!typed.page__size__param().isBlank() && typed.page__size() == 0) {
            throw new InvalidConfigException("page_size", "is required with page_size_param");
        }
        return new Paging(mode, pageParam, typed.page__start(), typed.page__size__param().strip(), typed.page__size(),
                typed.cursor__param().strip(), cursorPath, nextUrlPath);
    }

    Mode mode() {
        return mode;
    }

    PagePosition first() {
        return new PagePosition(pageStart, 0, null, null);
    }

    /** The parameters that select a page of the configured request (not used for a URL the API named). */
    Map<String, String> parameters(PagePosition position) {
        Map<String, String> out = new LinkedHashMap<>();
        switch (mode) {
            case PAGE -> out.put(pageParam, Long.toString(position.page()));
            case OFFSET -> out.put(pageParam, Long.toString(position.offset()));
            case CURSOR -> {
                if (position.cursor() != null) {
                    out.put(cursorParam, position.cursor());
                }
            }
            default -> { }
        }
        if (!sizeParam.isEmpty()) {
            out.put(sizeParam, Integer.toString(size));
        }
        return out;
    }

    /**
     * The page after one that was read.
     *
     * @param requested the URL the page was read from
     * @param origin the configured URL, whose host every next URL must keep
     */
    Step next(PagePosition current, URI requested, URI origin, RecordReader.Page page, Optional<String> link)
            throws SourceException {
        if (mode == Mode.NONE) {
            return Step.last("");
        }
        if (page.elements() == 0) {
            return Step.last("an empty page");
        }
        switch (mode) {
            case PAGE, OFFSET -> {
                if (size > 0 && page.elements() < size) {
                    return Step.last("a short page");
                }
                return Step.to(current.next(page.elements()));
            }
            case CURSOR -> {
                Optional<String> cursor = text(page.root(), cursorPath);
                if (cursor.isEmpty()) {
                    return Step.last("no next cursor");
                }
                if (cursor.get().equals(current.cursor())) {
                    return Step.last("the same cursor again");
                }
                return Step.to(current.withCursor(cursor.get()));
            }
            case NEXT_URL -> {
                return toUrl(current, requested, origin, text(page.root(), nextUrlPath), "no next URL");
            }
            case LINK -> {
                return toUrl(current, requested, origin, link.flatMap(LinkHeader::next), "no Link rel=next");
            }
            default -> throw new IllegalStateException("pagination " + mode);
        }
    }

    private static Step toUrl(PagePosition current, URI requested, URI origin, Optional<String> next, String none)
            throws SourceException {
        if (next.isEmpty()) {
            return Step.last(none);
        }
        URI url;
        try {
            url = requested.resolve(next.get().strip());
        } catch (IllegalArgumentException e) {
            throw new SourceException("the API's next page URL is not a valid URL");
        }
        if (!sameOrigin(url, origin)) {
            throw new SourceException("the API's next page URL is on another host than url (" + url.getHost()
                    + "); refused, so that the input's credentials are not sent there");
        }
        if (url.equals(requested)) {
            return Step.last("the same next URL again");
        }
        return Step.to(current.withUrl(url));
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
                && Objects.equals(lower(a.getHost()), lower(b.getHost())) && port(a) == port(b);
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static Optional<String> text(JsonNode root, JsonPointer pointer) {
        if (root == null) {
            return Optional.empty();
        }
        JsonNode node = root.at(pointer);
        if (node.isMissingNode() || node.isNull() || node.isContainerNode() || node.asText().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }
}
