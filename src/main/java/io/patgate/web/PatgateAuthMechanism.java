package io.patgate.web;

import io.patgate.identity.CredentialRequest;
import io.patgate.identity.CredentialVerifier;
import io.patgate.domain.Refusal;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * Reads {@code Authorization: Bearer <jwt>} and {@code Authorization: Basic base64(user:<pat>)} and hands
 * the credential to {@link PatgateIdentityProvider}. Runs before SmallRye JWT's own mechanism, which
 * therefore never sees a request: every bearer token goes through the same in-memory check.
 */
@ApplicationScoped
public class PatgateAuthMechanism implements HttpAuthenticationMechanism {

    private static final int PRIORITY = 3000;
    private final ClientAddress clientAddress;

    private final CredentialVerifier verifier;

    public PatgateAuthMechanism(ClientAddress clientAddress, CredentialVerifier verifier) {
        this.verifier = verifier;
        this.clientAddress = clientAddress;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Uni.createFrom().nullItem();
        }
        if (verifier.isStale()) {
            // fail closed, and say why: the credential may be fine, this replica cannot tell
            return Uni.createFrom().failure(Refusal.stale());
        }
        CredentialRequest request = parse(header, clientAddress.of(context.request()));
        if (request == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("unsupported Authorization header"));
        }
        HttpSecurityUtils.setRoutingContextAttribute(request, context);
        return identityProviderManager.authenticate(request);
    }

    /** The credential in an {@code Authorization} header, or null when the header is not one we accept. */
    public static CredentialRequest parse(String header, String client) {
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

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", ProblemWriter.BEARER_CHALLENGE));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(CredentialRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }
}
