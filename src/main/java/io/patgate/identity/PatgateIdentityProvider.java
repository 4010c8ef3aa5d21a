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
import java.util.Optional;
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
        return verifier.check(request.token(), request.clientAddress()).map(checked -> {
            Optional<Caller> caller = checked;
            if (request.basicUsername() != null) {
                // Basic carries a PAT as the password, and only for its owner; a real password is never accepted here
                caller = caller.filter(c -> c.method() == Caller.AuthMethod.PAT && c.username().equalsIgnoreCase(request.basicUsername()));
            }
            Caller c = caller.orElseThrow(AuthenticationFailedException::new);
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(c.username()))
                    .addRoles(effectiveRoles(c))
                    .addAttribute(Caller.ATTRIBUTE, c)
                    .build();
        });
    }

    public static Set<String> effectiveRoles(Caller caller) {
        if (caller.isSession()) {
            return caller.roles();
        }
        Set<String> effective = new HashSet<>(caller.scopes());
        effective.retainAll(caller.roles());
        if (caller.scopes().contains("tokens")) {
            effective.add("tokens");
        }
        return effective;
    }
}
