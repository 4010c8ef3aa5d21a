package io.patgate.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Under {@code /scim/}, every problem the REST layer answers (a missing credential, a body that is no JSON, a method or
 * media type it does not take, the rules' refusals) leaves as a SCIM error with the same status, never as
 * {@code application/problem+json}: SCIM clients read only their own error shape.
 */
public class ScimErrorFilter {

    @ServerResponseFilter
    public void asScimError(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(response.getEntity() instanceof Problem problem)
                || !ScimError.appliesTo(request.getUriInfo().getPath())) {
            return;
        }
        response.setEntity(ScimError.of(problem));
        response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, ScimError.MEDIA_TYPE);
    }
}
