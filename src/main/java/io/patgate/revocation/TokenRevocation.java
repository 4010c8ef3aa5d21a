package io.patgate.revocation;

import io.patgate.audit.AuditService;
import io.patgate.audit.NoticeOutbox;
import io.patgate.domain.AuditAction;
import io.patgate.domain.RevokeReason;
import io.patgate.identity.Caller;
import io.patgate.identity.IdentityState;
import io.patgate.store.AccessToken;
import io.patgate.store.AccessTokenRepository;
import io.patgate.store.AuditEntry;
import io.patgate.store.StateRows;
import io.patgate.store.Transactions;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The one way a token is revoked: with its row locked, the token marked revoked (reason and instant), its audit event
 * and its notice, all in one transaction; and only after the commit, published to this replica's in-memory state (the
 * other replicas follow through the change feed). Revoking an owner's token, an admin's revocation, a leak report,
 * disabling or deleting an account all come here; the time-based retirement of unused tokens is one set-based statement
 * inside the notice scan's lock ({@code NoticeScanStore}), which writes the same reason, notice and event
 * ({@link #retirementEvent}).
 */
@ApplicationScoped
public class TokenRevocation {

    private static final Logger LOG = Logger.getLogger(TokenRevocation.class);

    /**
     * Who revokes: the audit log's actor (a username, with the token it acted through), the name a notice gives
     * ({@code by}), and how the request came (a suffix of the audit detail, such as {@code " (via SCIM)"}).
     */
    public record By(String auditActor, String username, String via) {

        public By(String auditActor, String username) {
            this(auditActor, username, "");
        }

        /** The same actor, its revocations' audit details ending in {@code suffix}. */
        public By via(String suffix) {
            return new By(auditActor, username, suffix == null ? "" : suffix);
        }

        /** Nobody signed in: the time-based retirement. */
        public static final By SYSTEM = new By(AuditService.SYSTEM, AuditService.SYSTEM);
        /** Whoever held the token and reported it. */
        public static final By ANONYMOUS = new By(AuditService.ANONYMOUS, AuditService.ANONYMOUS);

        public static By of(Caller caller) {
            return new By(AuditService.actor(caller), caller.username());
        }
    }

    private final Transactions transactions;
    private final AccessTokenRepository tokens;
    private final UserRepository users;
    private final AuditService audit;
    private final NoticeOutbox notices;
    private final IdentityState state;

    public TokenRevocation(
            Transactions transactions,
            AccessTokenRepository tokens,
            UserRepository users,
            AuditService audit,
            NoticeOutbox notices,
            IdentityState state) {
        this.transactions = transactions;
        this.tokens = tokens;
        this.users = users;
        this.audit = audit;
        this.notices = notices;
        this.state = state;
    }

    /**
     * Revokes {@code token} (its row locked by the caller's transaction) for {@code reason}, with its event and notice,
     * in that transaction; a token already revoked is left as it is. Publish it ({@link #publish}) after the commit.
     */
    public Uni<AccessToken> revoke(AccessToken token, String ownerName, RevokeReason reason, By by) {
        if (token.revokedAt != null) {
            return Uni.createFrom().item(token);
        }
        token.revoke(reason, now());
        return audit.record(
                        by.auditActor(),
                        AuditAction.TOKEN_REVOKED,
                        token.userId,
                        ownerName,
                        token.id,
                        "reason " + reason.wire() + by.via())
                .chain(() -> notices.revoked(token.id, token.userId, reason, by.username()))
                .replaceWith(token);
    }

    /**
     * Revokes every active token of {@code owner} (whose row the caller's transaction holds locked, so no token is made
     * meanwhile) for {@code reason}, each with its event and notice, in that transaction. Publish them after the commit.
     */
    public Uni<List<AccessToken>> revokeAllOf(User owner, RevokeReason reason, By by) {
        return tokens.activeOf(owner.id, now()).call(active -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (AccessToken t : active) {
                chain = chain.chain(() -> revoke(t, owner.username, reason, by).replaceWithVoid());
            }
            return chain;
        });
    }

    /**
     * Revokes every active token of the account {@code userId} for {@code reason}, in a transaction of its own that locks
     * the account's row, and publishes them: for deprovisioning (SCIM) and whatever else ends an account's tokens
     * without changing the account itself. The tokens revoked (none for an unknown or deleted account).
     */
    public Uni<List<AccessToken>> revokeEveryTokenOf(UUID userId, RevokeReason reason, By by) {
        return transactions
                .write(() -> users.findForUpdate(userId)
                        .chain(owner -> owner == null || owner.deletedAt != null
                                ? Uni.createFrom().item(List.<AccessToken>of())
                                : revokeAllOf(owner, reason, by)))
                .invoke(revoked -> {
                    publish(revoked);
                    if (!revoked.isEmpty()) {
                        LOG.infof(
                                "Revoked %d tokens of account %s (%s) by %s",
                                revoked.size(), userId, reason.wire(), by.auditActor());
                    }
                });
    }

    /**
     * RFC 7009: someone holding the token reports it (a leak). Holding it is the proof; the token is revoked with reason
     * {@code leak-report}, with the event {@code token.leak-reported} and both notices (the report and the revocation).
     * Unknown or already revoked tokens change nothing. Whether a token was revoked.
     */
    public Uni<Boolean> revokeReported(UUID id) {
        return transactions
                .write(() -> tokens.findForUpdate(id).chain(token -> {
                    if (token == null || token.revokedAt != null) {
                        return Uni.createFrom().<AccessToken>nullItem();
                    }
                    token.revoke(RevokeReason.LEAK_REPORT, now());
                    return users.findById(token.userId)
                            .chain(owner -> audit.record(
                                    By.ANONYMOUS.auditActor(),
                                    AuditAction.TOKEN_LEAK_REPORTED,
                                    token.userId,
                                    owner == null ? null : owner.username,
                                    token.id,
                                    "revoked: reported through /oauth/revoke"))
                            .chain(() -> notices.leakReported(token.id, token.userId))
                            .chain(() -> notices.revoked(
                                    token.id, token.userId, RevokeReason.LEAK_REPORT, By.ANONYMOUS.username()))
                            .replaceWith(token);
                }))
                .invoke(token -> {
                    if (token != null) {
                        publish(token);
                        LOG.warnf("Token %s revoked after a leak report", token.id);
                    }
                })
                .map(token -> token != null);
    }

    /** The audit event of a token the notice scan retired (reason {@code unused}), written on the scan's connection. */
    public AuditEntry retirementEvent(UUID tokenId, UUID userId, String username, Instant unusedSince) {
        return audit.entry(
                By.SYSTEM.auditActor(),
                AuditAction.TOKEN_REVOKED,
                userId,
                username,
                tokenId,
                "reason " + RevokeReason.UNUSED.wire() + ": not used since " + unusedSince);
    }

    /** After the commit: the revocation takes effect on this replica's next request. */
    public void publish(AccessToken token) {
        state.putToken(StateRows.state(token));
    }

    public void publish(Collection<AccessToken> revoked) {
        revoked.forEach(this::publish);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
