package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class TrustEntryRepository implements PanacheRepositoryBase<TrustEntry, UUID> {

    /** The account's live entries, oldest first. */
    public Uni<List<TrustEntry>> liveOf(UUID account) {
        return list("accountId = ?1 and removedAt is null", Sort.by("createdAt").and("id"), account);
    }

    public Uni<Long> countLiveOf(UUID account) {
        return count("accountId = ?1 and removedAt is null", account);
    }

    /** One live entry of the account, its row locked until the transaction ends; null otherwise. */
    public Uni<TrustEntry> findLiveForUpdate(UUID account, UUID id) {
        return find("id = ?1 and accountId = ?2 and removedAt is null", id, account)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /** Marks every live entry of the account removed (the account is going); the entries, to publish. */
    public Uni<List<TrustEntry>> removeAllOf(UUID account, Instant at) {
        return find("accountId = ?1 and removedAt is null", account)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .list()
                .invoke(entries -> entries.forEach(e -> e.removedAt = at));
    }
}
