package io.patgate.web.account;

import io.patgate.account.sso.SsoException;
import io.patgate.account.sso.SsoService;
import io.patgate.web.ClientAddress;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The browser's side of single sign-on: the button's target and the redirect URI registered at the provider. Both answer
 * redirects only (303): a failure lands on the sign-in page with its reason in the fragment, never on an error page.
 * Documented in META-INF/openapi.yaml.
 */
@Path("/auth/oidc")
@Tag(name = "Accounts")
public class SsoResource {

    private final SsoService sso;
    private final ClientAddress clientAddress;

    public SsoResource(SsoService sso, ClientAddress clientAddress) {
        this.sso = sso;
        this.clientAddress = clientAddress;
    }

    @GET
    @Path("/start")
    @PermitAll
    @Operation(hidden = true)
    public Uni<Response> start(@QueryParam("returnTo") String returnTo, @CookieParam(SsoService.COOKIE) String cookie) {
        return sso.start(returnTo, cookie)
                .map(started -> {
                    Response.ResponseBuilder answer = Response.seeOther(started.location());
                    if (started.newCookie() != null) {
                        answer.cookie(new NewCookie.Builder(SsoService.COOKIE)
                                .value(started.newCookie())
                                .path("/auth/oidc/")
                                .maxAge((int) SsoService.LOGIN_LIFETIME.toSeconds())
                                .httpOnly(true)
                                .secure(sso.settings().secureCookie())
                                .sameSite(NewCookie.SameSite.LAX)
                                .build());
                    }
                    return answer.build();
                })
                .onFailure(SsoException.class)
                .recoverWithItem(e -> Response.seeOther(URI.create(SsoService.failed((SsoException) e)))
                        .build());
    }

    @GET
    @Path("/callback")
    @PermitAll
    @Operation(hidden = true)
    public Uni<Response> callback(
            @QueryParam("code") String code,
            @QueryParam("state") String state,
            @QueryParam("error") String error,
            @CookieParam(SsoService.COOKIE) String cookie,
            @Context HttpServerRequest request) {
        return sso.callback(code, state, error, cookie, clientAddress.of(request))
                .map(location -> Response.seeOther(URI.create(location)).build());
    }
}
