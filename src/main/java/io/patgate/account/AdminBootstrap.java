package io.patgate.account;

import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Creates the {@code admin} account on the first start with an empty database. Replicas starting together
 * serialise on an advisory lock, so exactly one of them creates it.
 */
@ApplicationScoped
public class AdminBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);
    private static final long ADMIN_LOCK = 0x7061_7467_6164_6d6eL;
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final Pool pool;
    private final PasswordHasher hasher;
    private final PatgateConfig config;
    private final AuditService audit;

    public AdminBootstrap(Pool pool, PasswordHasher hasher, PatgateConfig config, AuditService audit) {
        this.pool = pool;
        this.audit = audit;
        this.hasher = hasher;
        this.config = config;
    }

    /** Runs at start, off the event loop (the hash is slow on purpose). */
    public Uni<Void> ensureAdmin() {
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(ADMIN_LOCK))
                .chain(() -> conn.query("select exists (select 1 from app_user)").execute())
                .chain(rows -> {
                    if (rows.iterator().next().getBoolean(0)) {
                        return Uni.createFrom().voidItem();
                    }
                    boolean generated = config.admin().password().filter(p -> !p.isBlank()).isEmpty();
                    String password = generated ? generatePassword() : config.admin().password().get();
                    if (!generated && password.length() < config.password().minLength()) {
                        LOG.warnf("PATGATE_ADMIN_PASSWORD is shorter than %d characters; change it soon", config.password().minLength());
                    }
                    String hash = hasher.hash(password);
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    UUID id = UUID.randomUUID();
                    return conn.preparedQuery("insert into app_user (id, username, password_hash, roles, disabled, created_at, updated_at)"
                                    + " values ($1, 'admin', $2, array['admin'], false, $3, $3)")
                            .execute(Tuple.of(id, hash, now))
                            .call(() -> audit.record(conn, AuditService.SYSTEM, "user.created", id, "admin", null,
                                    "first start: roles [admin], password " + (generated ? "generated" : "from PATGATE_ADMIN_PASSWORD")))
                            .invoke(() -> {
                                if (generated) {
                                    // the contract: printed once, on the start that created the account
                                    LOG.warnf("Created user 'admin' with the generated password: %s"
                                            + "  (shown only this once; change it with PATCH /api/v1/users/{id})", password);
                                } else {
                                    LOG.info("Created user 'admin' with the password from PATGATE_ADMIN_PASSWORD");
                                }
                            })
                            .replaceWithVoid();
                }));
    }

    private static String generatePassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
