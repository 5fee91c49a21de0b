package org.cybexp.input.source.http;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The configured request: URL, method, {@code header.*}, {@code query.*} and the POST body. The parameters of
 * one page (lower bound, page, offset, cursor) go into the query of a GET, and into the top level of the JSON
 * body of a POST that has one (MISP's restSearch takes {@code page}, {@code limit} and {@code timestamp} there).
 */
final class RequestTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final String method;
    private final Map<String, String> headers;
    private final Map<String, String> query;
    private final ObjectNode body;
    private final Secret querySecret;

    private RequestTemplate(URI url, String method, Map<String, String> headers, Map<String, String> query,
            ObjectNode body, Secret querySecret) {
        this.url = url;
        this.method = method;
        this.headers = headers;
        this.query = query;
        this.body = body;
        this.querySecret = querySecret;
    }

    static RequestTemplate of(URI url, String method, Map<String, String> headers, Map<String, String> query,
            String bodyText) throws InvalidConfigException {
        ObjectNode body = null;
        if (bodyText != null && !bodyText.isBlank()) {
            if (!method.equals("POST")) {
                throw new InvalidConfigException("body", "is sent with method = POST only");
            }
            try {
                JsonNode parsed = JSON.readTree(bodyText);
                if (!(parsed instanceof ObjectNode object)) {
                    throw new InvalidConfigException("body", "must be a JSON object");
                }
                body = object;
            } catch (IOException e) {
                throw new InvalidConfigException("body", "is not valid JSON");
            }
        }
        // A key in the URL (e.g. query.api_key) is masked in every message about the request.
        Secret secret = query.entrySet().stream().filter(e -> InputConfig.isSecretKey(e.getKey()))
                .map(e -> Secret.of(e.getValue())).findFirst().orElse(Secret.of(""));
        return new RequestTemplate(url, method, Map.copyOf(headers), new LinkedHashMap<>(query), body, secret);
    }

    URI url() {
        return url;
    }

    /** The first request of a page: the configured URL with the static and the page's parameters. */
    HttpRequest request(Map<String, String> pageParameters) {
        Map<String, String> inQuery = new LinkedHashMap<>(query);
        ObjectNode pageBody = body == null ? null : body.deepCopy();
        if (pageBody != null) {
            pageParameters.forEach(pageBody::put);
        } else {
            inQuery.putAll(pageParameters);
        }
        return request(withQuery(url, inQuery), pageBody);
    }

    /** A page the API named by its URL (a next link): sent as it is, with the configured headers and body. */
    HttpRequest requestFor(URI next) {
        return request(next, body);
    }

    private HttpRequest request(URI uri, ObjectNode pageBody) {
        HttpRequest request;
        if (method.equals("POST")) {
            byte[] bytes = pageBody == null ? new byte[0] : pageBody.toString().getBytes(StandardCharsets.UTF_8);
            request = HttpRequest.post(uri, bytes, "application/json");
        } else {
            request = HttpRequest.get(uri);
        }
        request = request.header("Accept", "application/json, application/x-ndjson, text/csv;q=0.9, */*;q=0.5");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            request = request.header(header.getKey(), header.getValue());
        }
        return request.secretInUri(querySecret);
    }

    static URI withQuery(URI base, Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return base;
        }
        StringBuilder query = new StringBuilder(base.getRawQuery() == null ? "" : base.getRawQuery());
        parameters.forEach((name, value) -> {
            if (query.length() > 0) {
                query.append('&');
            }
            query.append(encode(name)).append('=').append(encode(value));
        });
        String text = base.toString();
        int cut = text.indexOf('?') >= 0 ? text.indexOf('?') : text.indexOf('#') >= 0 ? text.indexOf('#') : text.length();
        return URI.create(text.substring(0, cut) + "?" + query);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
