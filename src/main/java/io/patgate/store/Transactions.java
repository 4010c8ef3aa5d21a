package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * Where a service's unit of work begins and ends. A service decides what belongs in one transaction (the
 * change, its audit event) and publishes to memory only after the commit; the store alone knows that the
 * transaction is a Hibernate Reactive session. See {@code package-info.java} for the persistence rule.
 */
@ApplicationScoped
public class Transactions {

    /**
     * Runs {@code work} in one transaction: committed when its {@code Uni} succeeds, rolled back when it fails. Once
     * begun it runs to its end ({@link #toTheEnd}), whoever stops waiting for it.
     */
    public <T> Uni<T> write(Supplier<Uni<T>> work) {
        return toTheEnd(Panache.withTransaction(work));
    }

    /** Runs {@code work} with a session and no transaction of its own: for reads. Runs to its end, as a write does. */
    public <T> Uni<T> read(Supplier<Uni<T>> work) {
        return toTheEnd(Panache.withSession(work));
    }

    /**
     * {@code unit}, begun when subscribed to and finished whatever becomes of that subscription. A request's {@code Uni}
     * is cancelled when its client goes away (a timeout, a closed connection); passed on to the session, that closed it
     * under a running statement, and the transaction was rolled back: a revocation the user asked for was lost, and the
     * log showed "possible non-threadsafe access to session" and "Live transaction detected while closing the
     * connection". Here the cancellation stops at the caller, and the unit of work commits or rolls back on its own
     * terms; its outcome goes nowhere.
     */
    private static <T> Uni<T> toTheEnd(Uni<T> unit) {
        return Uni.createFrom().emitter(done -> unit.subscribe().with(done::complete, done::fail));
    }
}
