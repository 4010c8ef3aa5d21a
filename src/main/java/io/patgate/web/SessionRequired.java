package io.patgate.web;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an endpoint that changes an account (a password, an email, creating, disabling or deleting a user, granting a
 * role, ending every session): only a signed-in session may call it. A personal access token, even one with the
 * {@code admin} scope, is refused with 403 {@code urn:patgate:problem:session-required}, so a stolen CI token cannot
 * take over the account that made it (security review, issue 25). The one check is {@link SessionGuard}; the
 * endpoint's own {@code @RolesAllowed} still decides who may call it at all.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface SessionRequired {

    /** The refusal's example in the OpenAPI description ({@code components.examples} of {@code META-INF/openapi.yaml}). */
    String EXAMPLE = "SessionRequired";
}
