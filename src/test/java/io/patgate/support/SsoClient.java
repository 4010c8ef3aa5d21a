package io.patgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One browser going through single sign-on at the HTTP level: its own cookie jar, no automatic redirects, so each step
 * can be taken, replayed, swapped with another browser's or tampered with. The provider is {@link OidcProviderResource}'s
 * mock-oauth2-server, whose login form takes the username and the ID token's extra claims.
 */
public final class SsoClient {

    public static final String BASE = "http://localhost:8081";

    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** {@code GET /auth/oidc/start}: the provider's authorization URL it redirects to. */
    public URI start(String returnTo) {
        HttpResponse<String> answer =
                get(URI.create(BASE + "/auth/oidc/start" + (returnTo == null ? "" : "?returnTo=" + encode(returnTo))));
        if (answer.statusCode() != 303) {
            throw new AssertionError("start answered " + answer.statusCode() + " "
                    + answer.headers().map());
        }
        return URI.create(answer.headers().firstValue("Location").orElseThrow());
    }

    /** Signs in at the provider (its login form) as {@code username} with these claims: the redirect URI with code and state. */
    public URI authorize(URI authorization, String username, String claimsJson) {
        String form = "username=" + encode(username) + "&claims=" + encode(claimsJson);
        HttpResponse<String> answer = send(HttpRequest.newBuilder(authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
        if (answer.statusCode() != 302) {
            throw new AssertionError("the provider answered " + answer.statusCode() + ": " + answer.body());
        }
        return URI.create(answer.headers().firstValue("Location").orElseThrow());
    }

    /** Follows the provider's redirect to patgate's callback: where patgate sends the browser (the sign-in page). */
    public String callback(URI redirect) {
        HttpResponse<String> answer = get(redirect);
        if (answer.statusCode() != 303) {
            throw new AssertionError("the callback answered " + answer.statusCode() + ": " + answer.body());
        }
        String location = answer.headers().firstValue("Location").orElseThrow();
        return location.startsWith(BASE) ? location.substring(BASE.length()) : location;
    }

    /** The whole way: start, sign in at the provider, the callback; where it ends. */
    public String signIn(String username, List<String> groups) {
        return callback(authorize(start("/tokens"), username, claims(username, groups)));
    }

    /** The claims JSON of a person with these groups. */
    public static String claims(String username, List<String> groups) {
        StringBuilder json =
                new StringBuilder("{\"preferred_username\":\"").append(username).append("\",\"groups\":[");
        for (int i = 0; i < groups.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(groups.get(i)).append('"');
        }
        return json.append("]}").toString();
    }

    /** The one-time code in a successful callback's location, or null. */
    public static String handoff(String location) {
        return location.startsWith("/signin#sso=") ? location.substring("/signin#sso=".length()) : null;
    }

    /** The reason code in a refused callback's location, or null. */
    public static String refusal(String location) {
        return location.startsWith("/signin#sso-error=") ? location.substring("/signin#sso-error=".length()) : null;
    }

    public HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The query parameters of a URI (decoded, first value each). */
    public static Map<String, String> query(URI uri) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.putIfAbsent(
                    java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
