package org.cybexp.input.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * java.util.logging lines (the JDK, libraries that log through JUL) in the format slf4j-simple writes the rest of the log in,
 * {@code 2026-12-01T17:07:18.708Z [thread] INFO ShortName - message}, instead of JUL's two-line default.
 */
final class JulLineFormat extends Formatter {

    private static final String LEVEL_PREFIX = "org.slf4j.simpleLogger.log.";
    /** JUL holds its loggers weakly: a level set on one that is collected would be lost. */
    private static final List<Logger> CONFIGURED = new CopyOnWriteArrayList<>();

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    /** Replaces the JVM's console handler by one that writes these lines to {@link System#err} at INFO. */
    static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        Handler handler = new Handler() {
            private final JulLineFormat format = new JulLineFormat();

            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    System.err.print(format.format(record)); // the current stream: run may have replaced it
                }
            }

            @Override
            public void flush() {
                System.err.flush();
            }

            @Override
            public void close() {
                flush();
            }
        };
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
        applySlf4jLevels();
    }

    /** slf4j-simple's per-logger levels (etc/system.properties) apply to JUL loggers of the same name too. */
    static void applySlf4jLevels() {
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith(LEVEL_PREFIX)) {
                Level level = julLevel(System.getProperty(key).strip());
                if (level != null) {
                    Logger logger = Logger.getLogger(key.substring(LEVEL_PREFIX.length()));
                    logger.setLevel(level);
                    CONFIGURED.add(logger);
                }
            }
        }
    }

    private static Level julLevel(String slf4j) {
        return switch (slf4j.toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.FINEST;
            case "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            case "off" -> Level.OFF;
            default -> null;
        };
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(TIME.format(record.getInstant().atZone(ZoneId.systemDefault())))
                .append(" [").append(Thread.currentThread().getName()).append("] ").append(level(record.getLevel()))
                .append(' ').append(shortName(record.getLoggerName())).append(" - ").append(formatMessage(record))
                .append('\n');
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    private static String level(Level level) {
        int v = level.intValue();
        return v >= Level.SEVERE.intValue() ? "ERROR" : v >= Level.WARNING.intValue() ? "WARN"
                : v >= Level.INFO.intValue() ? "INFO" : v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }

    private static String shortName(String logger) {
        if (logger == null || logger.isEmpty()) {
            return "jul";
        }
        return logger.substring(logger.lastIndexOf('.') + 1);
    }
}
