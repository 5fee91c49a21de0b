package org.cybexp.input.source.websocket;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.cybexp.input.api.InvalidConfigException;

/**
 * The {@code url} of a websocket input: {@code ws://} or {@code wss://} with a host. Relays often take a token
 * in the query or user info, so only {@link #display()} (user info and query masked) is ever shown.
 *
 * @param uri the URL as configured
 */
record WebSocketUrl(URI uri) {

    /** Parses and checks the url key; the message never repeats the value, which may hold a token. */
    static WebSocketUrl parse(String key, String text) throws InvalidConfigException {
        if (text == null || text.isBlank()) {
            throw new InvalidConfigException(key, "is required, e.g. ws://relay.example:3232/");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new InvalidConfigException(key, "is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new InvalidConfigException(key, "must be a ws or wss URL"
                    + (scheme.isEmpty() ? "" : ", not " + scheme));
        }
        if (uri.getHost() == null) {
            throw new InvalidConfigException(key, "has no host");
        }
        if (uri.getRawFragment() != null) {
            throw new InvalidConfigException(key, "must not have a #fragment (RFC 6455)");
        }
        // Tyrus compares the scheme case-sensitively
        return new WebSocketUrl(URI.create(scheme + uri.toString().substring(uri.getScheme().length())));
    }

    /** Whether the connection is TLS ({@code wss}). */
    boolean secure() {
        return uri.getScheme().equalsIgnoreCase("wss");
    }

    /** The URL safe to print: user info and query replaced by {@code ***}. */
    String display() {
        String text = uri.toString();
        if (uri.getRawUserInfo() != null) {
            text = text.replace(uri.getRawUserInfo() + "@", "***@");
        }
        if (uri.getRawQuery() != null) {
            text = text.replace("?" + uri.getRawQuery(), "?***");
        }
        return text;
    }

    /** A text (e.g. an exception message of the websocket library) with the URL's secrets masked. */
    String mask(String text) {
        if (text == null) {
            return "";
        }
        String masked = text.replace(uri.toString(), display());
        if (uri.getRawQuery() != null) {
            masked = masked.replace(uri.getRawQuery(), "***");
        }
        if (uri.getRawUserInfo() != null) {
            masked = masked.replace(uri.getRawUserInfo(), "***");
        }
        return masked;
    }

    @Override
    public String toString() {
        return display();
    }
}
