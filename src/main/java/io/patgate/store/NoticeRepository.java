package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** The outbox, as the services see it: notices raised in their transactions, and the fan-out's batches. */
@ApplicationScoped
public class NoticeRepository implements PanacheRepositoryBase<Notice, UUID> {

    /** Raises {@code notice} in the current transaction: it exists if and only if the change commits. */
    public Uni<Void> raise(Notice notice) {
        return persist(notice).replaceWithVoid();
    }

    /**
     * Takes the fan-out for this transaction, if no other replica has it: true when taken. Fan-out is quick and
     * rare, so one replica at a time is plenty, and no notice is fanned out twice.
     */
    public Uni<Boolean> takeFanOut() {
        return getSession()
                .chain(session -> session.createNativeQuery(
                                "select pg_try_advisory_xact_lock(7022217116003182191)", Boolean.class)
                        .getSingleResult());
    }

    /** The notices not yet fanned out: security ones first, then the oldest. */
    public Uni<List<Notice>> undispatched(int limit) {
        return find(
                        "dispatchedAt is null",
                        Sort.descending("priority").and("at").and("id"))
                .page(0, limit)
                .list();
    }

    /**
     * Counts one more routine notice of {@code event} for {@code userId} in the current transaction, in windows of
     * {@code window} (see {@link SendLimit}); rolled back with the change that raised it.
     */
    public Uni<SendLimit.Count> countRoutine(UUID userId, String event, java.time.Duration window) {
        return SendLimit.count(getSession(), SendLimit.NOTICE + event, userId.toString(), 1, window);
    }
}
