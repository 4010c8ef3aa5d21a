package io.patgate.identity;

import io.patgate.identity.IdentityState.UserState;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Every account this replica knows, by id, and the accounts deleted while it ran. Ids are never reused, so a deletion is
 * final: a copy read before the delete committed (a cold look-up, a reload that began earlier) never brings the account
 * back, and a copy never replaces a newer one (a higher version). Part of {@link IdentityState}.
 */
final class AccountTable {

    private final Map<UUID, UserState> users = new ConcurrentHashMap<>();
    private final Set<UUID> deleted = ConcurrentHashMap.newKeySet();

    UserState get(UUID id) {
        return users.get(id);
    }

    int size() {
        return users.size();
    }

    /** Takes a full snapshot: held accounts missing from it were deleted while the feed was down. */
    void load(Collection<UserState> all) {
        Set<UUID> present = all.stream().map(UserState::id).collect(Collectors.toSet());
        users.keySet().stream().filter(id -> !present.contains(id)).toList().forEach(this::remove);
        all.forEach(this::put);
    }

    /** Puts an account's state, unless a newer copy is held. */
    void put(UserState user) {
        users.merge(user.id(), user, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
    }

    /**
     * Puts a copy from a look-up unless the account was deleted meanwhile, a newer copy is held, or {@code stillCurrent}
     * is false by the time it would land (a full load overtook the look-up); evaluated inside the map's atomic step. A
     * newer row than the one held is taken, so a token read cold is judged by its owner as the database has it then, not
     * by an older copy the feed has not yet replaced (an account enabled again a moment before its new token is first
     * shown here).
     */
    void putRead(UserState user, java.util.function.BooleanSupplier stillCurrent) {
        users.compute(
                user.id(),
                (id, old) -> deleted.contains(id)
                                || !stillCurrent.getAsBoolean()
                                || (old != null && old.version() >= user.version())
                        ? old
                        : user);
    }

    void remove(UUID id) {
        deleted.add(id);
        users.remove(id);
    }
}
