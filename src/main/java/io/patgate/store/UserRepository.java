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

    /** The account by id, deleted or not, its row locked until the transaction ends. */
    public Uni<User> findForUpdate(UUID id) {
        return findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    /** The id of the account named {@code username} (case-insensitive): the live one, else a deleted one of that name. */
    public Uni<java.util.Optional<UUID>> idOf(String username) {
        return find("lower(username) = lower(?1)", username).list()
                .map(found -> found.stream().filter(u -> u.deletedAt == null).findFirst().or(() -> found.stream().findFirst()).map(u -> u.id));
    }

    /** Usernames by id, for the accounts among {@code ids} (deleted ones too). */
    public Uni<java.util.Map<UUID, String>> usernames(java.util.Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(java.util.Map.of());
        }
        return list("id in :ids", io.quarkus.panache.common.Parameters.with("ids", List.copyOf(ids)))
                .map(found -> found.stream().collect(java.util.stream.Collectors.toMap(u -> u.id, u -> u.username)));
    }

    /** The rows with these ids (any state). */
    public Uni<List<User>> byIds(List<UUID> ids) {
        return ids.isEmpty() ? Uni.createFrom().item(List.of()) : list("id in ?1", ids);
    }
}
