package io.patgate.web;

import io.patgate.domain.Refusal;
import io.patgate.identity.CredentialRequest;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Reads the credential by {@link CredentialReader}'s rules (the same as {@code /auth/verify}'s and introspection's) and
 * hands it to {@link io.patgate.identity.PatgateIdentityProvider}. Runs before SmallRye JWT's own mechanism, which
 * therefore never sees a request: every bearer token goes through the same in-memory check.
 */
@ApplicationScoped
public class PatgateAuthMechanism implements HttpAuthenticationMechanism {

    private static final int PRIORITY = 3000;
    private final ClientAddress clientAddress;

    private final CredentialReader reader;

    public PatgateAuthMechanism(ClientAddress clientAddress, CredentialReader reader) {
        this.reader = reader;
        this.clientAddress = clientAddress;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        CredentialReader.Reading reading = reader.read(context.request(), clientAddress.of(context.request()));
        if (reading instanceof CredentialReader.Presented presented) {
            HttpSecurityUtils.setRoutingContextAttribute(presented.credential(), context);
            return identityProviderManager.authenticate(presented.credential());
        }
        if (reading instanceof CredentialReader.Refused refused) {
            // a header we cannot read: the framework's 401 with its challenge; a stale replica: 503, and why
            return Uni.createFrom()
                    .failure(
                            refused.refusal().kind() == Refusal.Kind.UNAUTHENTICATED
                                    ? new AuthenticationFailedException(
                                            refused.refusal().detail())
                                    : refused.refusal());
        }
        return Uni.createFrom().nullItem(); // no credential: anonymous, for the endpoints that allow it
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
