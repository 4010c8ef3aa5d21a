package io.patgate.account;

import io.patgate.domain.AuditAction;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.store.ServiceAccountManager;
import io.patgate.store.ServiceAccountManagerRepository;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** The people who manage service accounts: naming them, and replacing an account's set, for {@link ServiceAccountService}. */
@ApplicationScoped
public class ServiceAccountManagers {

    private final UserRepository users;
    private final ServiceAccountManagerRepository managers;
    private final Transactions transactions;

    public ServiceAccountManagers(
            UserRepository users, ServiceAccountManagerRepository managers, Transactions transactions) {
        this.users = users;
        this.managers = managers;
        this.transactions = transactions;
    }

    /** Whether the caller manages at least one service account (the web page offers the page then). */
    public Uni<Boolean> managesAny(Caller caller) {
        return transactions.read(() -> managers.managesAny(caller.userId()));
    }

    /** Sets the managers to the people named, recording who was added and who removed. */
    Uni<Void> replace(User account, List<String> requested, Instant now, List<UserService.Event> events) {
        return people(requested)
                .chain(people -> managers.of(account.id).chain(current -> {
                    Set<UUID> wanted =
                            new HashSet<>(people.stream().map(p -> p.id).toList());
                    Set<UUID> held =
                            new HashSet<>(current.stream().map(m -> m.managerId).toList());
                    List<UUID> gone =
                            held.stream().filter(m -> !wanted.contains(m)).toList();
                    List<ServiceAccountManager> added = people.stream()
                            .filter(p -> !held.contains(p.id))
                            .map(p -> ServiceAccountManager.of(account.id, p.id, now))
                            .toList();
                    if (gone.isEmpty() && added.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    return users.usernames(held).chain(before -> {
                        events.add(new UserService.Event(
                                AuditAction.SERVICE_ACCOUNT_MANAGERS_CHANGED,
                                new TreeSet<>(before.values()) + " -> " + names(people)));
                        return managers.remove(account.id, gone)
                                .chain(() -> added.isEmpty() ? Uni.createFrom().voidItem() : managers.persist(added));
                    });
                }));
    }

    /** The live people named, each once; an unknown name (or a service account's) is refused by its position. */
    Uni<List<User>> people(List<String> usernames) {
        if (usernames == null || usernames.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return users.livePeopleNamed(usernames).map(found -> {
            Map<String, User> byName = new LinkedHashMap<>();
            found.forEach(u -> byName.put(u.username.toLowerCase(Locale.ROOT), u));
            Map<UUID, User> people = new LinkedHashMap<>();
            for (int i = 0; i < usernames.size(); i++) {
                User person = byName.get(usernames.get(i).toLowerCase(Locale.ROOT));
                if (person == null) {
                    throw Refusal.invalid(
                            "managers[" + i + "]", "'" + usernames.get(i) + "' is not the username of a person");
                }
                people.put(person.id, person);
            }
            return List.copyOf(people.values());
        });
    }

    static TreeSet<String> names(List<User> people) {
        return new TreeSet<>(people.stream().map(p -> p.username).toList());
    }
}
