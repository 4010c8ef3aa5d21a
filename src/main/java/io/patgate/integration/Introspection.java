package io.patgate.integration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.patgate.identity.Caller;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** RFC 7662 section 2.2: what a token is; only {@code active} for anything that is not good now. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record Introspection(boolean active, String sub, String username, String scope, Long exp, Long iat, String jti,
                            @JsonProperty("token_type") String tokenType,
                            @JsonProperty("patgate_credential") String credential) {

    static final Introspection INACTIVE = new Introspection(false, null, null, null, null, null, null, null, null);

    static Introspection of(Caller c) {
        return new Introspection(true, c.userId().toString(), c.username(), String.join(" ", c.effectiveScopes()),
                c.expiresAt() == null ? null : c.expiresAt().getEpochSecond(),
                c.issuedAt() == null ? null : c.issuedAt().getEpochSecond(),
                c.credentialId().toString(), "Bearer", c.method().wire());
    }
}
