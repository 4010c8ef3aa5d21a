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

    /** Runs {@code work} in one transaction: committed when its {@code Uni} succeeds, rolled back when it fails. */
    public <T> Uni<T> write(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work);
    }

    /** Runs {@code work} with a session and no transaction of its own: for reads. */
    public <T> Uni<T> read(Supplier<Uni<T>> work) {
        return Panache.withSession(work);
    }
}
