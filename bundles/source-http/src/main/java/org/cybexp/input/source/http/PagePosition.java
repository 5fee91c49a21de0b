package org.cybexp.input.source.http;

import java.net.URI;

/**
 * Where a page is: its number (page), offset, cursor, or the URL the API named for it (next_url, link). Kept in
 * the state between pages, so a failed or interrupted poll resumes at the first page not stored.
 *
 * @param page the page number, from {@code page_start}
 * @param offset the offset of the page's first record
 * @param cursor the cursor to send, or null for the first page
 * @param url the page's URL from the API, or null for the configured request
 */
record PagePosition(long page, long offset, String cursor, URI url) {

    PagePosition next(long records) {
        return new PagePosition(page + 1, offset + records, cursor, url);
    }

    PagePosition withCursor(String next) {
        return new PagePosition(page + 1, 0, next, null);
    }

    PagePosition withUrl(URI next) {
        return new PagePosition(page + 1, 0, null, next);
    }
}
