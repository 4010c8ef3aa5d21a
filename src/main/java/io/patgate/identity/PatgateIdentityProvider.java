package io.patgate.identity;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.Set;

/**
 * Turns a checked credential into the request's identity. Synchronous and in memory: no database,
 * no worker thread. The roles of the identity are the caller's effective permissions.
 */
@ApplicationScoped
public class PatgateIdentityProvider implements IdentityProvider<CredentialRequest> {

    private final CredentialVerifier verifier;

    public PatgateIdentityProvider(CredentialVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Class<CredentialRequest> getRequestType() {
        return CredentialRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(CredentialRequest request, AuthenticationRequestContext context) {
        return verifier.checkAndRead(request).map(verdict -> {
            if (verdict instanceof Verdict.Refused refused && refused.unavailable()) {
                throw io.patgate.domain.Refusal
                        .stale(); // fail closed, and say why (503): the state went stale since the header was read
            }
            if (!(verdict instanceof Verdict.Accepted accepted)) {
                throw new AuthenticationFailedException();
            }
            Caller c = accepted.caller();
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(c.username()))
                    .addRoles(effectiveRoles(c))
                    .addAttribute(Caller.ATTRIBUTE, c)
                    .build();
        });
    }

    public static Set<String> effectiveRoles(Caller caller) {
        return caller.isSession() ? caller.roles() : new HashSet<>(caller.effectiveScopes());
    }
}
