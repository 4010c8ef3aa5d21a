package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Who manages which service account. Only live people are managers: a deleted person's rows are removed with them. */
@ApplicationScoped
public class ServiceAccountManagerRepository implements PanacheRepositoryBase<ServiceAccountManager, UUID> {

    /** Whether {@code person} manages the live service account {@code account}. */
    public Uni<Boolean> manages(UUID person, UUID account) {
        return count(
                        "managerId = ?1 and accountId = ?2 and accountId in (select u.id from User u where u.deletedAt is null and u.kind = ?3)",
                        person,
                        account,
                        User.SERVICE)
                .map(n -> n > 0);
    }

    /** Whether {@code person} manages at least one live service account. */
    public Uni<Boolean> managesAny(UUID person) {
        return count(
                        "managerId = ?1 and accountId in (select u.id from User u where u.deletedAt is null and u.kind = ?2)",
                        person,
                        User.SERVICE)
                .map(n -> n > 0);
    }

    /** The managers' usernames of each of {@code accounts}, sorted; an account without managers is absent. */
    public Uni<Map<UUID, List<String>>> usernamesOf(Collection<UUID> accounts) {
        if (accounts.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return getSession()
                .chain(session -> session.createSelectionQuery(
                                "select m.accountId, u.username from ServiceAccountManager m join User u on u.id = m.managerId"
                                        + " where m.accountId in :accounts and u.deletedAt is null order by lower(u.username)",
                                Object[].class)
                        .setParameter("accounts", List.copyOf(accounts))
                        .getResultList())
                .map(rows -> rows.stream()
                        .collect(Collectors.groupingBy(
                                r -> (UUID) r[0], Collectors.mapping(r -> (String) r[1], Collectors.toList()))));
    }

    /** The live people who manage each of {@code accounts} (for their notices); an account without managers is absent. */
    public Uni<Map<UUID, List<User>>> peopleManaging(Collection<UUID> accounts) {
        if (accounts.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return getSession()
                .chain(session -> session.createSelectionQuery(
                                "select m.accountId, u from ServiceAccountManager m join User u on u.id = m.managerId"
                                        + " where m.accountId in :accounts and u.deletedAt is null",
                                Object[].class)
                        .setParameter("accounts", List.copyOf(accounts))
                        .getResultList())
                .map(rows -> rows.stream()
                        .collect(Collectors.groupingBy(
                                r -> (UUID) r[0], Collectors.mapping(r -> (User) r[1], Collectors.toList()))));
    }

    /** The rows of one account. */
    public Uni<List<ServiceAccountManager>> of(UUID account) {
        return list("accountId", account);
    }

    /** Removes {@code managers} from one account's managers. */
    public Uni<Long> remove(UUID account, Collection<UUID> managers) {
        if (managers.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        return delete(
                "accountId = :account and managerId in :managers",
                Parameters.with("account", account).and("managers", List.copyOf(managers)));
    }

    /** Removes a person from every account they manage (they were deleted); the accounts' names, for the audit log. */
    public Uni<List<String>> removePerson(UUID person) {
        return getSession()
                .chain(session -> session.createSelectionQuery(
                                "select u.username from ServiceAccountManager m join User u on u.id = m.accountId where m.managerId = :person"
                                        + " order by lower(u.username)",
                                String.class)
                        .setParameter("person", person)
                        .getResultList())
                .call(() -> delete("managerId", person));
    }
}
