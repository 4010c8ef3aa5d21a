package io.patgate.account;

import io.patgate.config.PatgateConfig;
import io.patgate.domain.Refusal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Passwords as the services use them: the length rule, and the deliberately slow Argon2id work of
 * {@link PasswordHasher} moved off the event loop onto a worker thread.
 */
@ApplicationScoped
public class Passwords {

    private final PasswordHasher hasher;
    private final Vertx vertx;
    private final int minLength;

    public Passwords(PasswordHasher hasher, Vertx vertx, PatgateConfig config) {
        this.hasher = hasher;
        this.vertx = vertx;
        this.minLength = config.password().minLength();
    }

    /** Refuses a password shorter than {@code patgate.password.min-length}, naming the field it came in. */
    public void requireLength(String field, String password) {
        if (password.codePointCount(0, password.length()) < minLength) {
            throw Refusal.invalid(field, "must be at least " + minLength + " characters");
        }
    }

    public Uni<String> hash(String password) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> hasher.hash(password)));
    }

    /** Whether {@code password} matches {@code phc}; with a null {@code phc} it runs against a decoy and answers false. */
    public Uni<Boolean> verify(String password, String phc) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> hasher.verify(password, phc)));
    }
}
