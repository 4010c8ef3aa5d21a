package io.patgate.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * An RFC 9457 problem document, the body of every error this service answers.
 *
 * @param type   a stable URI naming the kind of problem, for clients to branch on
 * @param errors    one entry per invalid field, present only for validation failures
 * @param requestId the request's id ({@code X-Request-Id}), also in the log lines written for it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record Problem(String type, String title, int status, String detail, List<FieldError> errors, String requestId) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:patgate:problem:";

    @RegisterForReflection
    public record FieldError(String field, String message) {}

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, null, null);
    }

    public static Problem invalid(String detail, List<FieldError> errors) {
        return new Problem(TYPE_PREFIX + "invalid-request", "Invalid request", 400, detail, errors, null);
    }

    /** This problem, naming the request it answers. */
    public Problem forRequest(String id) {
        return id == null ? this : new Problem(type, title, status, detail, errors, id);
    }
}
