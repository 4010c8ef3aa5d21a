package io.patgate.domain;

import java.util.List;

/**
 * A request that the rules refuse, in the words of the domain: what kind of refusal, and why. Services
 * and the per-request check throw it through the named factories below; the HTTP edge alone decides what
 * status code and problem document each kind becomes (the HTTP edge's catalogue of problems), so no service
 * knows it is behind HTTP.
 */
public final class Refusal extends RuntimeException {

    /** What went wrong, from the caller's point of view. */
    public enum Kind {
        /** The input breaks a rule; {@link #errors()} names the fields. */
        INVALID,
        /** No credential, or one that is not good. */
        UNAUTHENTICATED,
        /** A good credential that may not do this. */
        FORBIDDEN,
        /** A good credential that is not a signed-in session, on something only a session may do (change an account). */
        SESSION_REQUIRED,
        /** No such object, or one the caller may not see (never told apart). */
        NOT_FOUND,
        /** The object's current state does not allow it. */
        CONFLICT,
        /** A quota or policy limit is reached. */
        LIMIT_REACHED,
        /** Too many attempts; {@link #retryAfterSeconds()} says when to try again. */
        THROTTLED,
        /** This replica's state is too old to judge credentials (fail closed). */
        STATE_STALE,
        /** What the answer needs cannot be reached now (the database); {@link #retryAfterSeconds()} says when to try again. */
        UNAVAILABLE,
        /** Too much of a bounded kind of work at once (password hashing); {@link #retryAfterSeconds()} says when to try again. */
        BUSY
    }

    /** One invalid field of the input, by its JSON path. */
    public record FieldError(String field, String message) {}

    private final Kind kind;
    private final transient List<FieldError> errors;
    private final long retryAfterSeconds;

    private Refusal(Kind kind, String detail, List<FieldError> errors, long retryAfterSeconds) {
        // no stack trace: a refusal is an answer, not a failure, and it is thrown on request paths
        super(detail, null, false, false);
        this.kind = kind;
        this.errors = errors;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    /** The human-readable reason, safe to show to the caller. */
    public String detail() {
        return getMessage();
    }

    /** The invalid fields, for {@link Kind#INVALID}; null otherwise. */
    public List<FieldError> errors() {
        return errors;
    }

    /** Seconds to wait before trying again, for {@link Kind#THROTTLED} and {@link Kind#UNAVAILABLE}; 0 otherwise. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static Refusal invalid(String field, String message) {
        return new Refusal(Kind.INVALID, field + ": " + message, List.of(new FieldError(field, message)), 0);
    }

    public static Refusal unauthenticated(String detail) {
        return new Refusal(Kind.UNAUTHENTICATED, detail, null, 0);
    }

    public static Refusal forbidden(String detail) {
        return new Refusal(Kind.FORBIDDEN, detail, null, 0);
    }

    /**
     * A personal access token, even one with every scope, on a write only a signed-in session may make: changing an
     * account (a password, an email, creating a user, granting a role), so a stolen token cannot take over the account
     * that made it.
     */
    public static Refusal sessionRequired(String detail) {
        return new Refusal(Kind.SESSION_REQUIRED, detail, null, 0);
    }

    /** @param what the kind of object, as the caller names it ("Token", "User") */
    public static Refusal notFound(String what) {
        return new Refusal(Kind.NOT_FOUND, what + " not found", null, 0);
    }

    public static Refusal conflict(String detail) {
        return new Refusal(Kind.CONFLICT, detail, null, 0);
    }

    public static Refusal limitReached(String detail) {
        return new Refusal(Kind.LIMIT_REACHED, detail, null, 0);
    }

    public static Refusal throttled(long retryAfterSeconds, String detail) {
        return new Refusal(Kind.THROTTLED, detail, null, Math.max(1, retryAfterSeconds));
    }

    /** A token outside this replica's memory while the database cannot be read: not judged either way (fail closed). */
    public static Refusal cannotCheck(long retryAfterSeconds) {
        return new Refusal(
                Kind.UNAVAILABLE,
                "This token is not in this replica's memory and the database cannot be reached to check it;"
                        + " it is neither accepted nor declared invalid: try again shortly",
                null,
                retryAfterSeconds);
    }

    public static Refusal busy(long retryAfterSeconds, String detail) {
        return new Refusal(Kind.BUSY, detail, null, Math.max(1, retryAfterSeconds));
    }

    public static Refusal stale() {
        return new Refusal(
                Kind.STATE_STALE,
                "This replica has not been able to refresh its state from the database; try again shortly",
                null,
                0);
    }
}
