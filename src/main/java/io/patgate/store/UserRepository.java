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
        return find("lower(username) = lower(?1) and deletedAt is null", username)
                .firstResult();
    }

    /** An account that exists and is not deleted; null otherwise. */
    public Uni<User> findLive(UUID id) {
        return find("id = ?1 and deletedAt is null", id).firstResult();
    }

    /** A person's live account (not a service account's); null otherwise. */
    public Uni<User> findLivePerson(UUID id) {
        return find("id = ?1 and deletedAt is null and kind = ?2", id, User.PERSON)
                .firstResult();
    }

    /** A person's live account, its row locked until the transaction ends; null otherwise. */
    public Uni<User> findLivePersonForUpdate(UUID id) {
        return find("id = ?1 and deletedAt is null and kind = ?2", id, User.PERSON)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /** A live service account; null otherwise. */
    public Uni<User> findLiveService(UUID id) {
        return find("id = ?1 and deletedAt is null and kind = ?2", id, User.SERVICE)
                .firstResult();
    }

    /** A live service account, its row locked until the transaction ends; null otherwise. */
    public Uni<User> findLiveServiceForUpdate(UUID id) {
        return find("id = ?1 and deletedAt is null and kind = ?2", id, User.SERVICE)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /** The live accounts of people named in {@code usernames} (case-insensitive). */
    public Uni<List<User>> livePeopleNamed(java.util.Collection<String> usernames) {
        if (usernames.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list(
                "lower(username) in ?1 and deletedAt is null and kind = ?2",
                usernames.stream()
                        .map(u -> u.toLowerCase(java.util.Locale.ROOT))
                        .toList(),
                User.PERSON);
    }

    /** Live service accounts: every one, or those {@code managedBy} manages (when not null). */
    public Uni<Long> countServiceAccounts(UUID managedBy) {
        return managedBy == null
                ? count(LIVE_SERVICE, User.SERVICE)
                : count(LIVE_SERVICE + MANAGED_BY, User.SERVICE, managedBy);
    }

    /** Newest first; the same accounts {@link #countServiceAccounts} counts. */
    public Uni<List<User>> serviceAccountPage(UUID managedBy, int page, int size) {
        // newest first, as tokens are listed: the account just made is at the top of the first page
        Sort newestFirst = Sort.by("createdAt", Sort.Direction.Descending).and("id", Sort.Direction.Descending);
        return (managedBy == null
                        ? find(LIVE_SERVICE, newestFirst, User.SERVICE)
                        : find(LIVE_SERVICE + MANAGED_BY, newestFirst, User.SERVICE, managedBy))
                .page(page, size)
                .list();
    }

    private static final String LIVE_SERVICE = "deletedAt is null and kind = ?1";
    private static final String MANAGED_BY =
            " and id in (select m.accountId from ServiceAccountManager m where m.managerId = ?2)";

    /** The live account, its row locked until the transaction ends (changes to one account run one at a time). */
    public Uni<User> findLiveForUpdate(UUID id) {
        return find("id = ?1 and deletedAt is null", id)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /** A transaction-scoped lock that serialises changes which could remove the last enabled admin. */
    public Uni<Void> lockAdminChanges() {
        return getSession()
                .chain(session -> session.createNativeQuery(
                                "select count(*) from (select pg_advisory_xact_lock(7022217116003182190)) locked",
                                Long.class)
                        .getSingleResult())
                .replaceWithVoid();
    }

    /**
     * Live accounts of people whose username contains {@code search} (case-insensitive); every live person when null.
     * Service accounts are not listed here (they have their own list).
     */
    public Uni<Long> countLive(String search) {
        return search == null
                ? count("deletedAt is null and kind = ?1", User.PERSON)
                : count(
                        "deletedAt is null and kind = ?2 and lower(username) like ?1 escape '\\'",
                        pattern(search),
                        User.PERSON);
    }

    /** Oldest first, like {@link #countLive}. */
    public Uni<List<User>> page(String search, int page, int size) {
        Sort oldestFirst = Sort.by("createdAt").and("id");
        return (search == null
                        ? find("deletedAt is null and kind = ?1", oldestFirst, User.PERSON)
                        : find(
                                "deletedAt is null and kind = ?2 and lower(username) like ?1 escape '\\'",
                                oldestFirst,
                                pattern(search),
                                User.PERSON))
                .page(page, size)
                .list();
    }

    private static String pattern(String search) {
        return "%" + AccessTokenRepository.likeEscaped(search.toLowerCase(java.util.Locale.ROOT)) + "%";
    }

    /** Enabled accounts holding the admin role, other than {@code except}. */
    public Uni<Long> countOtherEnabledAdmins(UUID except) {
        return count(
                "disabled = false and deletedAt is null and kind = ?2 and id <> ?1 and array_contains(roles, 'admin')",
                except,
                User.PERSON);
    }

    /** The account by id, deleted or not, its row locked until the transaction ends. */
    public Uni<User> findForUpdate(UUID id) {
        return findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    /** The id of the account named {@code username} (case-insensitive): the live one, else a deleted one of that name. */
    public Uni<java.util.Optional<UUID>> idOf(String username) {
        return find("lower(username) = lower(?1)", username)
                .list()
                .map(found -> found.stream()
                        .filter(u -> u.deletedAt == null)
                        .findFirst()
                        .or(() -> found.stream().findFirst())
                        .map(u -> u.id));
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

    /** The live account linked to this OpenID identity (issuer + sub), its row locked until the transaction ends; null if none. */
    public Uni<User> findLinkedForUpdate(String issuer, String subject) {
        return find("idpIssuer = ?1 and idpSubject = ?2 and deletedAt is null", issuer, subject)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /** Whether a deleted account was linked to this OpenID identity (an admin ended it: signing in does not bring it back). */
    public Uni<Boolean> wasLinkedAndDeleted(String issuer, String subject) {
        return count("idpIssuer = ?1 and idpSubject = ?2 and deletedAt is not null", issuer, subject)
                .map(n -> n > 0);
    }

    /** A live account SCIM provisioned with this externalId and not yet linked to an OpenID identity, locked; null if none. */
    public Uni<User> findScimUnlinkedForUpdate(String externalId) {
        return find(
                        "origin = ?1 and scimExternalId = ?2 and idpSubject is null and deletedAt is null",
                        User.SCIM,
                        externalId)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /** The live account of this name (case-insensitive), locked until the transaction ends; null if none. */
    public Uni<User> findByUsernameForUpdate(String username) {
        return find("lower(username) = lower(?1) and deletedAt is null", username)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }
}
