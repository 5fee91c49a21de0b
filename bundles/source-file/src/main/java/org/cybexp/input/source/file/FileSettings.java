package org.cybexp.input.source.file;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.source.file.FilePlugin.Config;
import org.cybexp.input.source.file.FilePlugin.Format;
import org.cybexp.input.source.file.FilePlugin.Mode;
import org.cybexp.input.source.file.FilePlugin.ReadFrom;

/** A file input's validated settings: the typed {@link Config} plus what is compiled from it. */
record FileSettings(PathGlobs globs, Mode mode, Duration minAge, ReadFrom readFrom, Format format,
        Optional<Pattern> multilineStart, Duration multilineTimeout, int linesPerRecord, Duration recordAge,
        int maxLineBytes, Charset encoding, int fingerprintBytes, Duration poll, Duration identityWait,
        Duration cleanAfter, int maxOpenFiles) {

    /** A record is posted early once its body reaches this size, whatever lines_per_record says. */
    static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    static FileSettings of(InputConfig config) throws InvalidConfigException {
        Config c = config.as(Config.class);
        PathGlobs globs = PathGlobs.of(c.paths(), c.exclude());
        Optional<Pattern> start = Optional.empty();
        if (!c.multiline__start().isBlank()) {
            try {
                start = Optional.of(Pattern.compile(c.multiline__start()));
            } catch (PatternSyntaxException e) {
                throw new InvalidConfigException("multiline_start", "is not a regular expression: "
                        + e.getDescription());
            }
        }
        if (c.format() == Format.MULTILINE && start.isEmpty()) {
            throw new InvalidConfigException("multiline_start", "is required with format = multiline");
        }
        return new FileSettings(globs, c.mode(), Duration.ofSeconds(within("min_age", c.min__age(), 0, 86_400)),
                c.read__from(), c.format(), start,
                Duration.ofSeconds(within("multiline_timeout", c.multiline__timeout(), 1, 3600)),
                (int) within("lines_per_record", c.lines__per__record(), 1, 100_000),
                Duration.ofSeconds(within("record_seconds", c.record__seconds(), 1, 86_400)),
                (int) within("max_line_bytes", c.max__line__bytes(), 64, 64L * 1024 * 1024),
                charset(c.encoding()),
                (int) within("fingerprint_bytes", c.fingerprint__bytes(), 16, 65_536),
                Duration.ofMillis(within("poll_ms", c.poll__ms(), 10, 60_000)),
                Duration.ofSeconds(within("identity_wait", c.identity__wait(), 0, 3600)),
                Duration.ofSeconds(within("clean_after", c.clean__after(), 60, 31_536_000)),
                (int) within("max_open_files", c.max__open__files(), 1, 100_000));
    }

    private static long within(String key, long value, long min, long max) throws InvalidConfigException {
        if (value < min || value > max) {
            throw new InvalidConfigException(key, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** Lines are split at the byte 0x0A, so only charsets that write ASCII as ASCII can be read. */
    static Charset charset(String name) throws InvalidConfigException {
        Charset charset;
        try {
            charset = Charset.forName(name.strip());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new InvalidConfigException("encoding", "is not a charset this Java knows: "
                    + InputConfig.quote(name));
        }
        byte[] probe = "A\n".getBytes(charset);
        if (!charset.canEncode() || !Arrays.equals(probe, "A\n".getBytes(StandardCharsets.US_ASCII))) {
            throw new InvalidConfigException("encoding", InputConfig.quote(name) + " does not write ASCII as ASCII "
                    + "(UTF-16, UTF-32): lines could not be split; convert the file to UTF-8");
        }
        return charset;
    }

    boolean utf8() {
        return encoding.equals(StandardCharsets.UTF_8);
    }
}
