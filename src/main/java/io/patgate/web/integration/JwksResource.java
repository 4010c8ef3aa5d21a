package io.patgate.web.integration;

import io.patgate.identity.KeyRing;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/.well-known/jwks.json")
@Tag(name = "For other services")
@PermitAll
@io.smallrye.common.annotation.NonBlocking
public class JwksResource {

    /** RFC 7517 section 8.5. */
    static final String JWK_SET = "application/jwk-set+json";

    private final KeyRing keys;

    public JwksResource(KeyRing keys) {
        this.keys = keys;
    }

    @GET
    @Produces({"application/json", JWK_SET})
    @Operation(
            summary = "Public signing keys",
            description = "Every ES256 public key that may still verify an unexpired token, by `kid`.")
    @APIResponse(
            responseCode = "200",
            description = "The JSON Web Key Set",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples =
                                    @ExampleObject(
                                            name = "jwks",
                                            value =
                                                    "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"q3Zf0sYt3m1Vn2Rk\",\"use\":\"sig\","
                                                            + "\"alg\":\"ES256\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
                                                            + "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}")))
    public Response jwks() {
        // short public caching: a rotated-in key must reach verifiers well before it signs anything they see
        return Response.ok(keys.jwks(), "application/json")
                .header("Cache-Control", "public, max-age=300")
                .build();
    }
}
