package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.UUID;

/** The confirmation state of each account's notice address, and the shared counters that cap confirmation mail. */
@ApplicationScoped
public class EmailConfirmationRepository implements PanacheRepositoryBase<EmailConfirmation, UUID> {

    /** The state of {@code userId}'s address, its row locked until the transaction ends; null when there is none. */
    public Uni<EmailConfirmation> findForUpdate(UUID userId) {
        return findById(userId, LockModeType.PESSIMISTIC_WRITE);
    }

    /** The state whose outstanding link has this digest, its row locked; null when no link has it. */
    public Uni<EmailConfirmation> findByLinkForUpdate(byte[] digest) {
        return find("linkDigest = ?1", (Object) digest)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /** The states of these accounts (any address). */
    public Uni<List<EmailConfirmation>> byUsers(List<UUID> userIds) {
        return userIds.isEmpty() ? Uni.createFrom().item(List.of()) : list("userId in ?1", userIds);
    }

    /**
     * Counts one more use of {@code bucket}/{@code key} in the current transaction (see {@link SendLimit}): rolled back
     * with it.
     */
    public Uni<SendLimit.Count> count(String bucket, String key, java.time.Duration window) {
        return SendLimit.count(getSession(), bucket, key, 1, window);
    }
}
