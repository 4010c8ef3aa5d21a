package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * The accounts SCIM provisioning reaches: every live person's account, whatever its origin (a provider that meets a
 * taken userName finds the account with a filter and manages it from then on). Service accounts are outside its reach:
 * they belong to no person, and the provisioning client is one of them.
 */
@ApplicationScoped
public class ProvisionedUserRepository implements PanacheRepositoryBase<User, UUID> {

    private static final String REACHED = "deletedAt is null and kind = :person";

    /** Whether SCIM provisioning may see and change {@code user}. */
    public static boolean reaches(User user) {
        return user.deletedAt == null && User.PERSON.equals(user.kind);
    }

    /** What a SCIM filter narrows to: a userName (case-insensitive) or an externalId (exact), or neither for all. */
    public record Filter(String username, String externalId) {
        public static final Filter ALL = new Filter(null, null);
    }

    public Uni<User> findReached(UUID id) {
        return find(REACHED + " and id = :id", base().and("id", id)).firstResult();
    }

    public Uni<Long> count(Filter filter) {
        return count(where(filter), parameters(filter));
    }

    /** Oldest first, {@code count} accounts from the 0-based {@code offset}. */
    public Uni<List<User>> page(Filter filter, int offset, int count) {
        return find(where(filter), Sort.by("createdAt").and("id"), parameters(filter))
                .range(offset, offset + count - 1)
                .list();
    }

    private static String where(Filter filter) {
        return REACHED
                + (filter.username() != null ? " and lower(username) = lower(:username)" : "")
                + (filter.externalId() != null ? " and scimExternalId = :externalId" : "");
    }

    private static Parameters parameters(Filter filter) {
        Parameters p = base();
        if (filter.username() != null) {
            p = p.and("username", filter.username());
        }
        if (filter.externalId() != null) {
            p = p.and("externalId", filter.externalId());
        }
        return p;
    }

    private static Parameters base() {
        return Parameters.with("person", User.PERSON);
    }
}
