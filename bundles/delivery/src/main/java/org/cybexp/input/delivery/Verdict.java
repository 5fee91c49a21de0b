package org.cybexp.input.delivery;

/** What a sink's status means for the event. */
enum Verdict {
    /** 2xx: taken; forget it. */
    DELIVERED,
    /** I/O error, timeout, 408, 429, 5xx: keep it and try again later. */
    RETRY,
    /** Any other 4xx: refused for good; to the dead letters. */
    REFUSED,
    /** 401, 403: the token (or the user's rights) was refused, not the event. */
    TOKEN_REFUSED,
    /** 404, 405: the url is no {@code /raw} endpoint; every event would get the same answer. */
    WRONG_ENDPOINT;

    static Verdict of(int status) {
        if (status >= 200 && status < 300) {
            return DELIVERED;
        }
        if (status == 401 || status == 403) {
            return TOKEN_REFUSED;
        }
        if (status == 404 || status == 405) {
            return WRONG_ENDPOINT;
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return REFUSED;
        }
        // 5xx, and also 1xx/3xx: a wrong url or a proxy page must not throw events away
        return RETRY;
    }
}
