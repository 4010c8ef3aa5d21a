package io.patgate.audit;

import io.patgate.identity.ExpiredUses;
import io.patgate.identity.IdentityState;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Writes the noted uses of expired tokens to the audit log, every few seconds in one transaction. */
@ApplicationScoped
public class ExpiredUseWriter {

    private final ExpiredUses uses;
    private final IdentityState state;
    private final Pool pool;

    public ExpiredUseWriter(ExpiredUses uses, IdentityState state, Pool pool) {
        this.uses = uses;
        this.state = state;
        this.pool = pool;
    }

    @Scheduled(every = "${patgate.tokens.usage-flush-interval:5S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> flush() {
        List<ExpiredUses.Attempt> attempts = uses.drain();
        if (attempts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        for (ExpiredUses.Attempt a : attempts) {
            IdentityState.UserState owner = state.user(a.userId());
            rows.add(Tuple.from(new Object[]{UUID.randomUUID(), OffsetDateTime.ofInstant(a.at(), ZoneOffset.UTC), AuditService.ANONYMOUS,
                    "token.expired-use", a.userId(), owner == null ? null : owner.username(), a.tokenId(), a.ip(),
                    "an expired token was presented"}));
        }
        return pool.withTransaction(conn -> conn.preparedQuery(AuditService.INSERT).executeBatch(rows))
                .ifNoItem().after(Duration.ofSeconds(10)).fail()
                .onFailure().invoke(() -> uses.putBack(attempts))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
