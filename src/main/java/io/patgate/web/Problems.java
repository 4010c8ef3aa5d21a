package io.patgate.web;

import io.patgate.domain.Refusal;
import java.util.List;

/**
 * Every problem document patgate answers, in one place: the status, the stable type a client branches on,
 * and the wording. The REST layer ({@link ProblemMapper}) and the plain Vert.x routes ({@link ProblemWriter})
 * both take their problems from here, so an error reads the same whichever layer answers it.
 */
public final class Problems {

    private Problems() {}

    /** A refusal of the rules, as HTTP: the one mapping from {@link Refusal.Kind} to a status code. */
    public static Problem of(Refusal refusal) {
        return switch (refusal.kind()) {
            case INVALID ->
                Problem.invalid(
                        refusal.detail(),
                        refusal.errors() == null
                                ? null
                                : refusal.errors().stream()
                                        .map(e -> new Problem.FieldError(e.field(), e.message()))
                                        .toList());
            case UNAUTHENTICATED -> unauthorized(refusal.detail());
            case FORBIDDEN -> forbidden(refusal.detail());
            case SESSION_REQUIRED -> Problem.of(403, "session-required", "Session required", refusal.detail());
            case NOT_FOUND -> Problem.of(404, "not-found", "Not found", refusal.detail());
            case CONFLICT -> Problem.of(409, "conflict", "Conflict", refusal.detail());
            case LIMIT_REACHED -> Problem.of(422, "policy-limit", "Policy limit reached", refusal.detail());
            case THROTTLED -> Problem.of(429, "too-many-requests", "Too many requests", refusal.detail());
            case STATE_STALE -> Problem.of(503, "state-stale", "Service unavailable", refusal.detail());
            case UNAVAILABLE -> databaseUnavailable(refusal.detail());
            case BUSY -> Problem.of(503, "busy", "Service busy", refusal.detail());
        };
    }

    public static Problem unauthorized(String detail) {
        return Problem.of(401, "unauthorized", "Unauthorized", detail);
    }

    /** A credential that was presented and is not good now; deliberately silent on which rule it broke. */
    public static Problem badCredential() {
        return unauthorized("The credential is missing, invalid, expired or revoked");
    }

    public static Problem forbidden(String detail) {
        return Problem.of(403, "forbidden", "Forbidden", detail);
    }

    public static Problem noSuchResource() {
        return Problem.of(404, "not-found", "Not found", "No such resource");
    }

    public static Problem databaseUnavailable(String detail) {
        return Problem.of(503, "database-unavailable", "Service unavailable", detail);
    }

    /** A 500 says nothing of its cause beyond an incident id that is also in the log. */
    public static Problem internal(String incident) {
        return Problem.of(500, "internal", "Internal error", "Unexpected failure; incident " + incident);
    }

    public static Problem invalid(String detail, List<Problem.FieldError> errors) {
        return Problem.invalid(detail, errors);
    }

    public static Problem invalidField(String field, String message) {
        return Problem.invalid(field + ": " + message, List.of(new Problem.FieldError(field, message)));
    }

    public static Problem payloadTooLarge(String detail) {
        return Problem.of(413, "payload-too-large", "Payload too large", detail);
    }

    /**
     * The problem for a status the HTTP layer itself raised (no route, wrong method, a body it could not
     * read...); null for a status that is no client error, which the caller treats as unexpected.
     */
    public static Problem forStatus(int status, String reason) {
        return switch (status) {
            case 400 -> badRequest("The request could not be read");
            case 404 -> noSuchResource();
            case 405 ->
                Problem.of(
                        405, "method-not-allowed", "Method not allowed", "This method is not allowed on this resource");
            case 406 -> Problem.of(406, "not-acceptable", "Not acceptable", "This resource answers application/json");
            case 413 -> payloadTooLarge("The request body is too large");
            case 415 ->
                Problem.of(
                        415, "unsupported-media-type", "Unsupported media type", "Send the body as application/json");
            case 431 ->
                Problem.of(
                        431,
                        "headers-too-large",
                        "Request header fields too large",
                        "The request headers are too large");
            default ->
                status >= 400 && status < 500
                        ? Problem.of(status, "http-" + status, reason, "The request could not be processed")
                        : null;
        };
    }

    public static Problem badRequest(String detail) {
        return Problem.of(400, "bad-request", "Bad request", detail);
    }

    /** The request ran past {@code patgate.http.request-timeout}, most often a database that hangs. */
    public static Problem timedOut() {
        return Problem.of(
                503,
                "timeout",
                "Service unavailable",
                "The request took too long (is the database reachable?); try again shortly");
    }
}
