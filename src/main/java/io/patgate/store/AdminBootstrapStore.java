package io.patgate.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Creates the first account of an empty database, once, however many replicas start together: under a
 * transaction-scoped advisory lock, the first replica finds no account and creates it; the others wait
 * for its commit and then find one.
 */
@ApplicationScoped
public class AdminBootstrapStore {

    private static final long LOCK = 0x7061_7467_6164_6d6eL;

    /** The account to create, with the event that records it. */
    public record Admin(UUID id, String username, String passwordHash, AuditEntry event) {}

    private final Pool pool;
    private final AuditEventRepository audit;

    public AdminBootstrapStore(Pool pool, AuditEventRepository audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /**
     * Creates the admin that {@code prepare} describes if there is no account yet; {@code prepare} runs only
     * then (it may be slow: it hashes a password).
     *
     * @return whether this call created it
     */
    public Uni<Boolean> createAdminIfNone(Supplier<Admin> prepare) {
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_advisory_xact_lock($1)")
                .execute(Tuple.of(LOCK))
                .chain(() ->
                        conn.query("select exists (select 1 from app_user)").execute())
                .chain(rows -> {
                    if (rows.iterator().next().getBoolean(0)) {
                        return Uni.createFrom().item(false);
                    }
                    Admin admin = prepare.get();
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    return conn.preparedQuery(
                                    "insert into app_user (id, username, password_hash, roles, disabled, created_at, updated_at)"
                                            + " values ($1, $2, $3, array['admin'], false, $4, $4)")
                            .execute(Tuple.of(admin.id(), admin.username(), admin.passwordHash(), now))
                            .chain(() -> audit.append(conn, admin.event()))
                            .replaceWith(true);
                }));
    }
}
