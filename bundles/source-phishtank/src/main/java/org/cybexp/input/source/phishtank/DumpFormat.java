package org.cybexp.input.source.phishtank;

import java.util.Locale;

import org.cybexp.input.api.InvalidConfigException;

/** The container format of a dump, as configured ({@code format} key) or recognised by its first bytes. */
enum DumpFormat {
    /** Recognised from the first bytes: {@code BZh} is bzip2, {@code 1f 8b} gzip, anything else JSON. */
    AUTO,
    BZIP2,
    GZIP,
    JSON;

    /** Reads the {@code format} key: auto, bzip2 (or bz2), gzip (or gz) or json. */
    static DumpFormat parse(String text) throws InvalidConfigException {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "", "auto" -> AUTO;
            case "bzip2", "bz2" -> BZIP2;
            case "gzip", "gz" -> GZIP;
            case "json" -> JSON;
            default -> throw new InvalidConfigException("format", "must be auto, bzip2, gzip or json, got '"
                    + text.strip() + "'");
        };
    }

    /** The name users write in the configuration. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
