package io.patgate.web.integration;

import io.patgate.exchange.TokenExchange;
import io.patgate.web.ClientAddress;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * OAuth 2.0 Token Exchange (RFC 8693): a job trades the identity it already holds (a Kubernetes projected
 * service-account token, a CI ID token) for a short-lived patgate token of the service account that trusts it.
 * The rules are {@link TokenExchange}'s; this maps its answer to RFC 6749 section 5.1 and 5.2 JSON.
 */
@Path("/oauth/token")
@Tag(name = "For other services")
public class TokenExchangeResource {

    private final TokenExchange exchange;
    private final ClientAddress clientAddress;

    public TokenExchangeResource(TokenExchange exchange, ClientAddress clientAddress) {
        this.exchange = exchange;
        this.clientAddress = clientAddress;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Token exchange (RFC 8693)",
            description =
                    "Trades a signed identity (a Kubernetes projected service-account "
                            + "token, a GitHub Actions or GitLab CI ID token, any OpenID issuer's JWT) for a short-lived patgate token of the service account "
                            + "whose trust entry it matches. No client credential: the subject token is the proof. The subject token must be signed by the "
                            + "trust's issuer (keys from its discovery document's `jwks_uri`, or given inline with the trust), unexpired (30 s skew), with "
                            + "`aud` containing the trust's audience, and `sub` and the named claims matching its patterns. The token issued lives at most "
                            + "the trust's `maxTtlSeconds`, and never past the subject token's own `exp`. Refusals are RFC 6749 section 5.2 JSON; after "
                            + "`patgate.oauth.exchange-failures-allowed` (20) refusals a minute from one address, 429 for a while.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_FORM_URLENCODED,
                            schema =
                                    @Schema(
                                            type = SchemaType.OBJECT,
                                            requiredProperties = {"grant_type", "subject_token", "subject_token_type"},
                                            properties = {
                                                @SchemaProperty(
                                                        name = "grant_type",
                                                        type = SchemaType.STRING,
                                                        enumeration = TokenExchange.GRANT_TYPE),
                                                @SchemaProperty(
                                                        name = "subject_token",
                                                        type = SchemaType.STRING,
                                                        description = "the JWT the job holds"),
                                                @SchemaProperty(
                                                        name = "subject_token_type",
                                                        type = SchemaType.STRING,
                                                        enumeration = {TokenExchange.JWT, TokenExchange.ID_TOKEN}),
                                                @SchemaProperty(
                                                        name = "scope",
                                                        type = SchemaType.STRING,
                                                        description =
                                                                "space-separated, each one of the account's roles; "
                                                                        + "default: all of them"),
                                                @SchemaProperty(
                                                        name = "requested_token_type",
                                                        type = SchemaType.STRING,
                                                        enumeration = TokenExchange.ACCESS_TOKEN,
                                                        description = "optional; only an access token can be issued"),
                                                @SchemaProperty(
                                                        name = "audience",
                                                        type = SchemaType.STRING,
                                                        description =
                                                                "ignored: a patgate token is for the APIs behind patgate"),
                                                @SchemaProperty(
                                                        name = "resource",
                                                        type = SchemaType.STRING,
                                                        description = "ignored, as audience")
                                            }),
                            examples =
                                    @ExampleObject(
                                            name = "kubernetes",
                                            value =
                                                    "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
                                                            + "&subject_token=eyJhbGciOiJSUzI1NiIsImtpZCI6Ik…&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt&scope=deploy")))
    @APIResponse(
            responseCode = "200",
            description = "Issued (RFC 8693 section 2.2.1); `Cache-Control: no-store`",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "issued",
                                            value =
                                                    "{\"access_token\":\"eyJhbGciOiJFUzI1NiIs…\","
                                                            + "\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":900,\"scope\":\"deploy\"}")))
    @APIResponse(
            responseCode = "400",
            description =
                    "RFC 6749 section 5.2: `invalid_request` (a parameter missing, repeated or not accepted), "
                            + "`unsupported_grant_type`, `invalid_scope` (beyond the account's roles), `invalid_grant` (malformed, an algorithm not "
                            + "accepted, no expiry, expired, not yet valid, not trusted, the issuer unreachable, the account disabled). The descriptions "
                            + "of every kind of not-trusted read the same: they tell nothing of which issuers, audiences or subjects are trusted.",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples = {
                                @ExampleObject(
                                        name = "invalid_grant",
                                        value =
                                                "{\"error\":\"invalid_grant\",\"error_description\":\"the subject token has expired\"}"),
                                @ExampleObject(
                                        name = "not trusted",
                                        value =
                                                "{\"error\":\"invalid_grant\",\"error_description\":\"the subject token is not trusted by any service account\"}"),
                                @ExampleObject(
                                        name = "invalid_request",
                                        value =
                                                "{\"error\":\"invalid_request\",\"error_description\":\"subject_token is missing\"}"),
                                @ExampleObject(
                                        name = "unsupported_grant_type",
                                        value =
                                                "{\"error\":\"unsupported_grant_type\","
                                                        + "\"error_description\":\"grant_type must be urn:ietf:params:oauth:grant-type:token-exchange\"}"),
                                @ExampleObject(
                                        name = "invalid_scope",
                                        value =
                                                "{\"error\":\"invalid_scope\",\"error_description\":\"the scope asked for is beyond the service account's roles\"}")
                            }))
    @APIResponse(responseCode = "415", description = "A body that is not `application/x-www-form-urlencoded`")
    @APIResponse(
            responseCode = "429",
            description = "Too many refused exchanges from this address; see Retry-After",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            examples =
                                    @ExampleObject(
                                            name = "throttled",
                                            value =
                                                    "{\"type\":\"urn:patgate:problem:too-many-requests\","
                                                            + "\"title\":\"Too many requests\",\"status\":429,\"detail\":\"Too many refused token exchanges from this address; try again in 60 s\"}")))
    public Uni<Response> token(MultivaluedMap<String, String> form, @Context HttpServerRequest request) {
        return exchange.exchange(form, clientAddress.of(request)).map(TokenExchangeResource::toResponse);
    }

    private static Response toResponse(TokenExchange.Result result) {
        Map<String, Object> body = new LinkedHashMap<>();
        Response.ResponseBuilder response;
        if (result instanceof TokenExchange.Issued issued) {
            body.put("access_token", issued.accessToken());
            body.put("issued_token_type", TokenExchange.ACCESS_TOKEN);
            body.put("token_type", "Bearer");
            body.put("expires_in", issued.expiresIn());
            body.put("scope", issued.scope());
            response = Response.ok();
        } else {
            TokenExchange.Refused refused = (TokenExchange.Refused) result;
            body.put("error", refused.outcome().error());
            body.put("error_description", refused.description());
            response = Response.status(Response.Status.BAD_REQUEST);
        }
        // RFC 6749 sections 5.1 and 5.2: no cache keeps an answer that may hold a token
        return response.type(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache")
                .entity(body)
                .build();
    }
}
