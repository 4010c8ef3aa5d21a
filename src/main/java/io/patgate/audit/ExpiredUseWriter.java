package io.patgate.audit;

import io.patgate.domain.AuditAction;
import io.patgate.identity.ExpiredUses;
import io.patgate.identity.IdentityState;
import io.patgate.store.AuditEntry;
import io.patgate.store.AuditEventRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the noted uses of expired tokens to the audit log, every {@code patgate.tokens.usage-flush-interval}
 * in one transaction. Off the request path: the check only notes them in memory ({@link ExpiredUses}).
 */
@ApplicationScoped
public class ExpiredUseWriter {

    /** A database that hangs must not hold the attempts forever: they go back and wait for the next flush. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final ExpiredUses uses;
    private final IdentityState state;
    private final AuditEventRepository events;

    public ExpiredUseWriter(ExpiredUses uses, IdentityState state, AuditEventRepository events) {
        this.uses = uses;
        this.state = state;
        this.events = events;
    }

    @Scheduled(
            every = "${patgate.tokens.usage-flush-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> flush() {
        List<ExpiredUses.Attempt> attempts = uses.drain();
        if (attempts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (ExpiredUses.Attempt a : attempts) {
            IdentityState.UserState owner = state.user(a.userId());
            entries.add(new AuditEntry(
                    a.at(),
                    AuditService.ANONYMOUS,
                    AuditAction.TOKEN_EXPIRED_USE.wire(),
                    a.userId(),
                    owner == null ? null : owner.username(),
                    a.tokenId(),
                    a.ip(),
                    "an expired token was presented"));
        }
        return events.appendAll(entries)
                .ifNoItem()
                .after(WRITE_TIMEOUT)
                .fail()
                .onFailure()
                .invoke(() -> uses.putBack(attempts))
                .onFailure()
                .recoverWithNull();
    }
}
