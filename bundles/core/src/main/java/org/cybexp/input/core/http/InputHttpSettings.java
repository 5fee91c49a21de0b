package org.cybexp.input.core.http;

import java.time.Duration;

/**
 * One input's HTTP settings.
 *
 * @param client the settings that select the shared client
 * @param userAgent the User-Agent header
 * @param timeout connect and response timeout
 */
public record InputHttpSettings(HttpClientSettings client, String userAgent, Duration timeout) {
}
