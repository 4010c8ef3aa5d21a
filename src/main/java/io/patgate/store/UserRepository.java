package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    public Uni<User> findByUsername(String username) {
        return find("lower(username) = lower(?1) and deletedAt is null", username).firstResult();
    }

    /** An account that exists and is not deleted; null otherwise. */
    public Uni<User> findLive(UUID id) {
        return find("id = ?1 and deletedAt is null", id).firstResult();
    }

    /** The live account, its row locked until the transaction ends (changes to one account run one at a time). */
    public Uni<User> findLiveForUpdate(UUID id) {
        return find("id = ?1 and deletedAt is null", id).withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** A transaction-scoped lock that serialises changes which could remove the last enabled admin. */
    public Uni<Void> lockAdminChanges() {
        return getSession().chain(session -> session.createNativeQuery(
                        "select count(*) from (select pg_advisory_xact_lock(7022217116003182190)) locked", Long.class)
                .getSingleResult()).replaceWithVoid();
    }

    /** Live accounts whose username contains {@code search} (case-insensitive); every live account when null. */
    public Uni<Long> countLive(String search) {
        return search == null ? count("deletedAt is null")
                : count("deletedAt is null and lower(username) like ?1 escape '\\'", pattern(search));
    }

    /** Oldest first, like {@link #countLive}. */
    public Uni<List<User>> page(String search, int page, int size) {
        Sort oldestFirst = Sort.by("createdAt").and("id");
        return (search == null ? find("deletedAt is null", oldestFirst)
                : find("deletedAt is null and lower(username) like ?1 escape '\\'", oldestFirst, pattern(search))).page(page, size).list();
    }

    private static String pattern(String search) {
        return "%" + AccessTokenRepository.likeEscaped(search.toLowerCase(java.util.Locale.ROOT)) + "%";
    }

    /** Enabled accounts holding the admin role, other than {@code except}. */
    public Uni<Long> countOtherEnabledAdmins(UUID except) {
        return count("disabled = false and deletedAt is null and id <> ?1 and array_contains(roles, 'admin')", except);
    }
}
