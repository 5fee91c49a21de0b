package org.cybexp.input.source.websocket;

import java.time.Instant;

/**
 * A message whose first fragment arrived and whose last has not yet, as the fetch thread sees it: a peer that
 * sends fragments forever keeps the connection looking alive (each fragment is traffic) while no frame ever
 * comes of it, so the fetch thread watches the message's age.
 *
 * @param started when its first fragment arrived
 * @param bytes its size so far (UTF-8 bytes of text, or binary bytes), also past max_frame_bytes
 * @param fragments how many fragments arrived so far
 */
record OpenMessage(Instant started, long bytes, long fragments) {
}
