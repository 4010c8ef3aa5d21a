package io.patgate.http;

import java.util.List;

/**
 * A domain failure that the {@link ProblemMapper} turns into an {@code application/problem+json} answer.
 * Services throw the named factories below, so a resource never picks a status code by hand.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final long retryAfterSeconds;

    public ProblemException(Problem problem) {
        this(problem, 0);
    }

    private ProblemException(Problem problem, long retryAfterSeconds) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Problem problem() {
        return problem;
    }

    /** Seconds for a {@code Retry-After} header; 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ProblemException throttled(long retryAfterSeconds, String detail) {
        return new ProblemException(Problem.of(429, "too-many-requests", "Too many requests", detail), Math.max(1, retryAfterSeconds));
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(Problem.of(404, "not-found", "Not found", what + " not found"));
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(Problem.of(409, "conflict", "Conflict", detail));
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.of(403, "forbidden", "Forbidden", detail));
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(Problem.of(401, "unauthorized", "Unauthorized", detail));
    }

    /** This replica's in-memory state is older than patgate.state.max-staleness: checks fail closed. */
    public static ProblemException stale() {
        return new ProblemException(Problem.of(503, "state-stale", "Service unavailable",
                "This replica has not been able to refresh its state from the database; try again shortly"));
    }

    public static ProblemException policy(String detail) {
        return new ProblemException(Problem.of(422, "policy-limit", "Policy limit reached", detail));
    }

    public static ProblemException invalid(String field, String message) {
        return new ProblemException(Problem.invalid(field + ": " + message, List.of(new Problem.FieldError(field, message))));
    }
}
