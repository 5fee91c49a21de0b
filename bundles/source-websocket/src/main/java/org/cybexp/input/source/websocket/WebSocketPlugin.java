package org.cybexp.input.source.websocket;

import java.time.Duration;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The websocket source: keeps one session open to a {@code ws://} or {@code wss://} server that pushes events
 * as text frames (Logstash's websocket output, a Cowrie honeypot relay) and posts each frame's JSON object,
 * alone or batched as JSON lines. A streaming plugin: the container runs each input until it is stopped and
 * reconnects it with backoff when the session ends.
 *
 * <p>Inputs are factory configurations {@code cybexp.source.websocket}; the container's manager opens them
 * through {@link #open(InputConfig)}, so SCR ignores those configurations ({@link ConfigurationPolicy#IGNORE})
 * and the designate only publishes the metatype for the web console.
 */
@Component(service = SourcePlugin.class, configurationPid = WebSocketPlugin.PID,
        configurationPolicy = ConfigurationPolicy.IGNORE)
@Designate(ocd = WebSocketPlugin.Config.class, factory = true)
public final class WebSocketPlugin implements SourcePlugin {

    static final String NAME = "websocket";
    /** A relay's message is an event of a few KB: a minute is generous even on a slow link. */
    static final long DEFAULT_MAX_MESSAGE_SECONDS = 60;
    static final String PID = PID_PREFIX + NAME;

    /**
     * A websocket input's configuration, as the web console shows it. Metatype turns {@code __} in a name into
     * {@code _} (a single {@code _} would become {@code .}), hence {@code verify__tls} for the key
     * {@code verify_tls}; the plugin reads the keys by name. {@code period} does not apply: the stream runs
     * until stopped.
     */
    @ObjectClassDefinition(name = "CYBEX-P websocket input",
            description = "Keeps a websocket session open and posts each text frame's JSON event")
    public @interface Config {

        @AttributeDefinition(description = "Websocket URL, ws:// or wss://, e.g. ws://relay.example:3232/ "
                + "(user info and query are masked wherever the URL is shown)")
        String url();

        @AttributeDefinition(description = "Frames per posted file of JSON lines; 1 posts each frame as its own "
                + "JSON file (the original CYBEX-P input collected 10)", min = "1", max = "100000")
        int batch__size() default WebSocketSettings.DEFAULT_BATCH_SIZE;

        @AttributeDefinition(description = "Seconds a batch collects frames, from its first, before it is "
                + "posted anyway (the original: 15)", min = "1", max = "3600")
        long batch__seconds() default WebSocketSettings.DEFAULT_BATCH_SECONDS;

        @AttributeDefinition(description = "Largest frame (message) accepted, in bytes; larger ones are skipped "
                + "and counted as malformed", min = "64", max = "67108864")
        int max__frame__bytes() default WebSocketSettings.DEFAULT_MAX_FRAME_BYTES;

        @AttributeDefinition(description = "Seconds of silence after which a ping is sent; 0 disables pings",
                min = "0", max = "3600")
        long ping__interval() default WebSocketSettings.DEFAULT_PING_INTERVAL;

        @AttributeDefinition(description = "Seconds to wait for the pong before the connection is taken for "
                + "dead and reopened", min = "1", max = "3600")
        long ping__timeout() default WebSocketSettings.DEFAULT_PING_TIMEOUT;

        @AttributeDefinition(description = "Seconds connecting and the opening handshake may take",
                min = "1", max = "600")
        long connect__timeout() default WebSocketSettings.DEFAULT_CONNECT_TIMEOUT;

        @AttributeDefinition(description = "Seconds one message may take from its first fragment to its last; "
                + "a message still open then closes the session (the status says stuck before), and the input "
                + "reconnects", min = "1", max = "3600")
        long max__message__seconds() default DEFAULT_MAX_MESSAGE_SECONDS;

        @AttributeDefinition(description = "Drop a frame identical to one this input already posted (relays "
                + "that replay after a reconnect); keeps one dedup key per frame for dedup_ttl_days")
        boolean dedup() default false;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** None: the typetag depends on what the server sends, so every input must name it. */
    @Override
    public String defaultTypetag() {
        return "";
    }

    @Override
    public SourceInput open(InputConfig config) throws InvalidConfigException {
        WebSocketSettings settings = WebSocketSettings.of(config);
        long messageSeconds = config.as(Config.class).max__message__seconds();
        if (messageSeconds < 1 || messageSeconds > 3600) {
            throw new InvalidConfigException("max_message_seconds", "must be between 1 and 3600, got "
                    + messageSeconds);
        }
        return new WebSocketInput(settings, Duration.ofSeconds(messageSeconds));
    }
}
