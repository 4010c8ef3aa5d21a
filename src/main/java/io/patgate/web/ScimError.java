package io.patgate.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An error as SCIM answers it (RFC 7644 section 3.12): the body of every error under {@code /scim/}, where clients (Okta,
 * Entra ID) read {@code status} (a string) and {@code scimType}, never an RFC 9457 problem. The problems patgate raises
 * elsewhere are turned into this on those paths (see {@link ScimErrorFilter} and {@link ProblemWriter}).
 *
 * @param scimType one of RFC 7644's error types ({@code invalidFilter}, {@code uniqueness}, {@code mutability}, ...); null for none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record ScimError(List<String> schemas, String status, String scimType, String detail) {

    public static final String SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
    public static final String MEDIA_TYPE = "application/scim+json";
    private static final String PATHS = "/scim/";

    public ScimError(int status, String scimType, String detail) {
        this(List.of(SCHEMA), Integer.toString(status), scimType, detail);
    }

    /** Whether errors on {@code path} are SCIM's. */
    public static boolean appliesTo(String path) {
        return path != null && (path.startsWith(PATHS) || path.equals("/scim"));
    }

    /** The problem, in SCIM's words: the same status and detail; invalid input is SCIM's {@code invalidValue}. */
    public static ScimError of(Problem problem) {
        String type = problem.type() == null ? "" : problem.type();
        String scimType = type.endsWith(":invalid-request")
                ? "invalidValue"
                : type.endsWith(":bad-request") ? "invalidSyntax" : null;
        return new ScimError(problem.status(), scimType, problem.detail());
    }

    public int statusCode() {
        return Integer.parseInt(status);
    }

    /** This error as a response, with the RFC 6750 challenge on a 401. */
    public Response response() {
        Response.ResponseBuilder builder =
                Response.status(statusCode()).type(MEDIA_TYPE).entity(this);
        if (statusCode() == 401) {
            builder.header(jakarta.ws.rs.core.HttpHeaders.WWW_AUTHENTICATE, ProblemWriter.BEARER_CHALLENGE);
        }
        return builder.build();
    }
}
