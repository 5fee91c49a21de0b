package org.cybexp.input.source.websocket;

import java.time.Duration;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;

/**
 * The plugin keys of a websocket input, read through its metatype type and checked once when the input is opened, so that a bad
 * value is refused with the configuration instead of failing every connection. TLS, proxy and User-Agent are
 * the container's keys, given by {@link org.cybexp.input.api.FetchContext#network()}.
 *
 * @param url where to connect
 * @param batchSize frames per posted file; 1 posts each frame as its own JSON file
 * @param batchTime how long a batch collects frames, from its first one, before it is posted anyway
 * @param maxFrameBytes frames (whole messages) larger than this are skipped as malformed
 * @param pingInterval how long the connection may be silent before a ping is sent; zero disables pings
 * @param pingTimeout how long to wait for the pong before the peer is taken for dead
 * @param connectTimeout how long connecting and the opening handshake may take
 * @param dedup whether a frame identical to one already posted by this input is dropped
 */
record WebSocketSettings(WebSocketUrl url, int batchSize,
        Duration batchTime, int maxFrameBytes, Duration pingInterval, Duration pingTimeout, Duration connectTimeout,
        boolean dedup) {

    static final int DEFAULT_BATCH_SIZE = 1;
    static final long DEFAULT_BATCH_SECONDS = 15;
    static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
    /** The largest max_frame_bytes accepted; the library's read buffer is sized from it. */
    static final int LIMIT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
    static final long DEFAULT_PING_INTERVAL = 30;
    static final long DEFAULT_PING_TIMEOUT = 10;
    static final long DEFAULT_CONNECT_TIMEOUT = 30;

    /** @throws InvalidConfigException naming the first bad key */
    static WebSocketSettings of(InputConfig config) throws InvalidConfigException {
        // The plugin's keys through its metatype type: their bounds are enforced by the container before open.
        WebSocketPlugin.Config typed = config.as(WebSocketPlugin.Config.class);
        return new WebSocketSettings(
                WebSocketUrl.parse("url", typed.url()),
                typed.batch__size(),
                Duration.ofSeconds(typed.batch__seconds()),
                typed.max__frame__bytes(),
                Duration.ofSeconds(typed.ping__interval()),
                Duration.ofSeconds(typed.ping__timeout()),
                Duration.ofSeconds(typed.connect__timeout()),
                typed.dedup());
    }

    /** Whether frames are collected into files of JSON lines rather than posted one by one. */
    boolean batching() {
        return batchSize > 1;
    }

    /** Whether pings are sent to detect a dead peer. */
    boolean pinging() {
        return !pingInterval.isZero();
    }
}
