package io.patgate.http;

import java.util.List;

/**
 * A domain failure that the {@link ProblemMapper} turns into an {@code application/problem+json} answer.
 * Services throw the named factories below, so a resource never picks a status code by hand.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
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

    public static ProblemException policy(String detail) {
        return new ProblemException(Problem.of(422, "policy-limit", "Policy limit reached", detail));
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(Problem.of(503, "unavailable", "Service unavailable", detail));
    }

    public static ProblemException invalid(String field, String message) {
        return new ProblemException(Problem.invalid(field + ": " + message, List.of(new Problem.FieldError(field, message))));
    }
}
