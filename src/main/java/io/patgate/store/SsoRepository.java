package io.patgate.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;

/**
 * The single sign-on's short-lived rows. Each is taken once: read under a row lock and deleted in the same transaction,
 * so two uses of one state or one handoff code (a replay, a double click, two replicas) find it only once.
 */
@ApplicationScoped
public class SsoRepository {

    /** Stores a sign-in under way, after dropping those past their time (so the table holds minutes' worth at most). */
    public Uni<Void> begin(SsoLogin login, Instant now) {
        return SsoLogin.delete("expiresAt < ?1", now)
                .chain(() -> Panache.getSession())
                .chain(s -> s.persist(login));
    }

    /** The sign-in under way with this state digest, deleted as it is read; null when unknown, used or expired. */
    public Uni<SsoLogin> take(String stateDigest, Instant now) {
        return SsoLogin.<SsoLogin>find("stateDigest", stateDigest)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult()
                .chain(found -> found == null
                        ? Uni.createFrom().<SsoLogin>nullItem()
                        : found.delete().map(ignored -> found.expiresAt.isAfter(now) ? found : null));
    }

    /** Stores a finished sign-in for the page to collect, after dropping those past their time. */
    public Uni<Void> handOff(SsoHandoff handoff, Instant now) {
        return SsoHandoff.delete("expiresAt < ?1", now)
                .chain(() -> Panache.getSession())
                .chain(s -> s.persist(handoff));
    }

    /** The handoff with this code digest, deleted as it is read; null when unknown, used or expired. */
    public Uni<SsoHandoff> collect(String codeDigest, Instant now) {
        return SsoHandoff.<SsoHandoff>find("codeDigest", codeDigest)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult()
                .chain(found -> found == null
                        ? Uni.createFrom().<SsoHandoff>nullItem()
                        : found.delete().map(ignored -> found.expiresAt.isAfter(now) ? found : null));
    }
}
