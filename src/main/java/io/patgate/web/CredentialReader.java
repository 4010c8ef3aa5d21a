package io.patgate.web;

import io.patgate.domain.Refusal;
import io.patgate.identity.CredentialRequest;
import io.patgate.identity.CredentialVerifier;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads the credential of a request, by one rule for every entry point (the API's authentication mechanism,
 * {@code /auth/verify}, {@code /oauth/introspect}): {@code Authorization: Bearer <token>}, or
 * {@code Authorization: Basic base64(user:<pat>)}.
 *
 * <p>The order, the same everywhere: no header at all is {@link Reading.Absent} (the API goes on anonymously, the plain
 * routes answer 401); a header we cannot read is refused as unauthenticated (401), whatever this replica's state, since
 * the fault is the client's and asking again will not mend it; only then is a replica whose state is too old to judge
 * anything refused as stale (503 with the problem {@code state-stale}: the credential may well be good, this replica
 * cannot tell, and a retry elsewhere may succeed).
 */
@Singleton // on the per-request path: no client proxy between the caller and it
public class CredentialReader {

    /** What a request's {@code Authorization} header amounts to. */
    public sealed interface Reading {}

    /** No {@code Authorization} header. */
    public record Absent() implements Reading {}

    /** A header we do not accept (401), or a replica too stale to judge a readable one (503): answered with {@code refusal}. */
    public record Refused(Refusal refusal) implements Reading {}

    /** A credential to check. */
    public record Presented(CredentialRequest credential) implements Reading {}

    private static final Reading ABSENT = new Absent();
    private static final Reading UNREADABLE = new Refused(
            Refusal.unauthenticated(
                    "The Authorization header is not a Bearer token, nor HTTP Basic with a personal access token as the password"));
    private static final Reading STALE = new Refused(Refusal.stale());

    private final CredentialVerifier verifier;

    public CredentialReader(CredentialVerifier verifier) {
        this.verifier = verifier;
    }

    /** The credential {@code request} presents from {@code clientAddress}, in the order above. */
    public Reading read(HttpServerRequest request, String clientAddress) {
        return read(request.getHeader(HttpHeaders.AUTHORIZATION), clientAddress);
    }

    /** What an {@code Authorization} header (null: none) presented from {@code clientAddress} amounts to, in the order above. */
    public Reading read(String header, String clientAddress) {
        if (header == null) {
            return ABSENT;
        }
        CredentialRequest credential = parse(header, clientAddress);
        if (credential == null) {
            return UNREADABLE;
        }
        if (verifier.isStale()) {
            return STALE;
        }
        return new Presented(credential);
    }

    /** The credential in an {@code Authorization} header, or null when the header is not one we accept. */
    static CredentialRequest parse(String header, String client) {
        int space = header.indexOf(' ');
        if (space <= 0 || header.length() > CredentialVerifier.MAX_TOKEN_LENGTH + 256) {
            return null;
        }
        String scheme = header.substring(0, space);
        String value = header.substring(space + 1).trim();
        if ("Bearer".equalsIgnoreCase(scheme)) {
            return value.isEmpty() ? null : new CredentialRequest(value, null, client);
        }
        if ("Basic".equalsIgnoreCase(scheme)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0 || colon == decoded.length() - 1) {
                return null;
            }
            return new CredentialRequest(decoded.substring(colon + 1), decoded.substring(0, colon), client);
        }
        return null;
    }
}
