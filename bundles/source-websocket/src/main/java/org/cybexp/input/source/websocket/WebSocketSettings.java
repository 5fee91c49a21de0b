package org.cybexp.input.source.websocket;

import java.time.Duration;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;

/**
 * The plugin keys of a websocket input, read by name and checked once when the input is opened, so that a bad
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
        return new WebSocketSettings(
                WebSocketUrl.parse("url", config.getString("url", "")),
                (int) range(config, "batch_size", DEFAULT_BATCH_SIZE, 1, 100_000),
                Duration.ofSeconds(range(config, "batch_seconds", DEFAULT_BATCH_SECONDS, 1, 3600)),
                (int) range(config, "max_frame_bytes", DEFAULT_MAX_FRAME_BYTES, 64, LIMIT_MAX_FRAME_BYTES),
                Duration.ofSeconds(range(config, "ping_interval", DEFAULT_PING_INTERVAL, 0, 3600)),
                Duration.ofSeconds(range(config, "ping_timeout", DEFAULT_PING_TIMEOUT, 1, 3600)),
                Duration.ofSeconds(range(config, "connect_timeout", DEFAULT_CONNECT_TIMEOUT, 1, 600)),
                config.getBoolean("dedup", false));
    }

    /** Whether frames are collected into files of JSON lines rather than posted one by one. */
    boolean batching() {
        return batchSize > 1;
    }

    /** Whether pings are sent to detect a dead peer. */
    boolean pinging() {
        return !pingInterval.isZero();
    }

    private static long range(InputConfig config, String key, long defaultValue, long min, long max)
            throws InvalidConfigException {
        long value = config.getLong(key, defaultValue);
        if (value < min || value > max) {
            throw new InvalidConfigException(key, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}
