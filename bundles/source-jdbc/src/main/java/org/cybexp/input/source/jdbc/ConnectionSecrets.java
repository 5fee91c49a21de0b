package org.cybexp.input.source.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.api.Secret;

/**
 * The URL and credentials of a connection, and the masking of every password they hold: the {@code password}
 * key, and one written inside the URL ({@code ?password=...}, {@code ;password=...}, {@code //user:pw@host}), so
 * that no error, status line or log shows it.
 */
final class ConnectionSecrets {

    /** {@code password=...} (also {@code pwd}, {@code sslpassword}) up to the next separator of URL parameters. */
    private static final Pattern PARAMETER = Pattern.compile("(?i)((?:ssl)?(?:password|pwd)=)([^&;]*)");
    /** {@code //user:password@host}. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?;]*:)([^@/]*)(@)");

    private final String url;
    private final String user;
    private final Secret password;
    private final List<Secret> inUrl;

    ConnectionSecrets(String url, String user, Secret password) {
        this.url = url;
        this.user = user == null ? "" : user.strip();
        this.password = password;
        this.inUrl = passwordsIn(url);
    }

    String url() {
        return url;
    }

    /** The URL safe to show. */
    String shownUrl() {
        return maskUrl(url);
    }

    /** The driver's connection properties: user and password when given (else the URL's own). */
    Properties properties() {
        Properties properties = new Properties();
        if (!user.isEmpty()) {
            properties.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            properties.setProperty("password", password.reveal());
        }
        return properties;
    }

    /** A text (an exception's message) with the URL shown masked and every password replaced by {@code ***}. */
    String mask(String text) {
        if (text == null) {
            return "";
        }
        String out = text.replace(url, shownUrl());
        out = password.mask(out);
        for (Secret secret : inUrl) {
            out = secret.mask(out);
        }
        return out;
    }

    static String maskUrl(String url) {
        String out = PARAMETER.matcher(url).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***"));
        return USER_INFO.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***" + m.group(3)));
    }

    private static List<Secret> passwordsIn(String url) {
        List<Secret> out = new ArrayList<>();
        for (Pattern pattern : List.of(PARAMETER, USER_INFO)) {
            Matcher m = pattern.matcher(url);
            while (m.find()) {
                if (!m.group(2).isEmpty()) {
                    out.add(Secret.of(m.group(2)));
                    out.add(Secret.of(decoded(m.group(2))));
                }
            }
        }
        return out;
    }

    /** The value as the driver sees it after URL decoding ({@code p%40ss} is {@code p@ss}). */
    private static String decoded(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
