package org.cybexp.input.core.control;

import java.time.Instant;

/**
 * One event the sink refused for good (a 4xx other than 401/403/404/405/408/429), kept in the dead-letter folder with
 * the sink's answer until a person replays or purges it. Safe to show: no secret is stored with it.
 *
 * @param id stable and shell-safe: {@code <input folder>/<sequence number>}, e.g.
 *        {@code main/01746532000000000000} (an input name with spaces or other characters is {@code %XX}-escaped)
 * @param input the input's name
 * @param status the HTTP status of the refusal, e.g. 400
 * @param message the sink's message, e.g. {@code Invalid input: typtag}
 * @param at when it was refused
 * @param size the event's body in bytes
 * @param typetag the typetag it was posted with
 */
public record DeadLetter(String id, String input, int status, String message, Instant at, long size,
        String typetag) {
}
