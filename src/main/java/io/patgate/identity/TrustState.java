package io.patgate.identity;

import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Every live trust entry of every service account, in memory on every replica, so the token exchange judges a
 * subject token without the database. Loaded with the accounts at start and after a reconnect, kept current by the
 * service's own writes and the change feed, exactly like the accounts in {@link IdentityState}.
 *
 * <p>The exchange asks {@link #forIssuer}: the entries of that issuer whose account is live and enabled now, as
 * {@link IdentityState} knows it. So removing an entry, or disabling or deleting its account, ends the trust on every
 * replica on the change feed's next notification, with no step of its own.
 */
@Singleton // read on the exchange's path: no client proxy
public class TrustState {

    private final IdentityState accounts;
    private final Map<UUID, WorkloadTrust> trusts = new ConcurrentHashMap<>();
    /** Entries removed while this replica ran: a removal is final, and an older copy read before it must not bring one back. */
    private final Set<UUID> removed = ConcurrentHashMap.newKeySet();
    /** Bumped by every full {@link #load}: a read that began before one may hold copies the load has already replaced. */
    private long generation;
    /** The live entries by issuer, rebuilt on every change (changes are rare, reads are many). */
    private volatile Map<String, List<WorkloadTrust>> byIssuer = Map.of();

    public TrustState(IdentityState accounts) {
        this.accounts = accounts;
    }

    /** Replaces every entry with a snapshot's live ones; newer copies held here stay. */
    public synchronized void load(Collection<WorkloadTrust> live) {
        generation++;
        Set<UUID> ids = live.stream().map(WorkloadTrust::id).collect(Collectors.toSet());
        trusts.keySet().retainAll(ids);
        live.forEach(this::merge);
        reindex();
    }

    /** A change (the feed's, or this replica's own write after its commit): held, replaced, or taken out when removed. */
    public synchronized void apply(WorkloadTrust trust) {
        merge(trust);
        reindex();
    }

    /** Where a read of the database begins: hand it back to {@link #applyRead}. */
    public synchronized long generation() {
        return generation;
    }

    /**
     * Entries a read found ({@link TrustLookup}): each held unless a newer copy is, or it was removed while this
     * replica ran; none when a full {@link #load} ran since {@code readGeneration} (the read may predate a removal the
     * load took in by leaving the entry out).
     *
     * @return whether they were taken
     */
    public synchronized boolean applyRead(Collection<WorkloadTrust> read, long readGeneration) {
        if (readGeneration != generation) {
            return false;
        }
        read.forEach(this::merge);
        reindex();
        return true;
    }

    private void merge(WorkloadTrust trust) {
        if (trust.removed()) {
            removed.add(trust.id());
            trusts.remove(trust.id());
            return;
        }
        if (removed.contains(trust.id())) {
            return;
        }
        trusts.merge(trust.id(), trust, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
    }

    private void reindex() {
        Map<String, List<WorkloadTrust>> index = new HashMap<>();
        trusts.values().stream()
                .sorted(Comparator.comparing(WorkloadTrust::createdAt).thenComparing(WorkloadTrust::id))
                .forEach(t -> index.computeIfAbsent(t.issuer(), i -> new ArrayList<>())
                        .add(t));
        index.replaceAll((issuer, list) -> List.copyOf(list));
        byIssuer = Map.copyOf(index);
    }

    /** The live entries for {@code issuer} whose service account is live and enabled now, oldest first. */
    public List<WorkloadTrust> forIssuer(String issuer) {
        List<WorkloadTrust> entries = byIssuer.getOrDefault(issuer, List.of());
        return entries.stream().filter(this::accountUsable).toList();
    }

    /** One live entry whose account is live and enabled; null otherwise. */
    public WorkloadTrust trust(UUID id) {
        WorkloadTrust trust = trusts.get(id);
        return trust != null && accountUsable(trust) ? trust : null;
    }

    /** Whether any live entry names {@code issuer} (whatever its account's state): which issuers' keys are worth fetching. */
    public boolean knowsIssuer(String issuer) {
        return byIssuer.containsKey(issuer);
    }

    public int size() {
        return trusts.size();
    }

    private boolean accountUsable(WorkloadTrust trust) {
        IdentityState.UserState account = accounts.user(trust.accountId());
        return account != null && !account.disabled();
    }
}
