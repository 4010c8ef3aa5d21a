package io.patgate.account;

import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Permissions;
import io.patgate.store.AdminBootstrapStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Creates the {@code admin} account on the first start with an empty database. Replicas starting together
 * serialise on an advisory lock, so exactly one of them creates it.
 */
@ApplicationScoped
public class AdminBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);
    private static final String ADMIN = Permissions.ADMIN;
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final AdminBootstrapStore accounts;
    private final PasswordHasher hasher;
    private final PatgateConfig config;
    private final AuditService audit;

    public AdminBootstrap(
            AdminBootstrapStore accounts, PasswordHasher hasher, PatgateConfig config, AuditService audit) {
        this.accounts = accounts;
        this.audit = audit;
        this.hasher = hasher;
        this.config = config;
    }

    /** Runs at start, off the event loop (the hash is slow on purpose). */
    public Uni<Void> ensureAdmin() {
        boolean generated = config.admin().password().filter(p -> !p.isBlank()).isEmpty();
        String password =
                generated ? generatePassword() : config.admin().password().get();
        return accounts.createAdminIfNone(() -> {
                    if (!generated && password.length() < config.password().minLength()) {
                        LOG.warnf(
                                "PATGATE_ADMIN_PASSWORD is shorter than %d characters; change it soon",
                                config.password().minLength());
                    }
                    UUID id = UUID.randomUUID();
                    return new AdminBootstrapStore.Admin(
                            id,
                            ADMIN,
                            hasher.hash(password),
                            audit.entry(
                                    AuditService.SYSTEM,
                                    AuditAction.USER_CREATED,
                                    id,
                                    ADMIN,
                                    null,
                                    "first start: roles [admin], password "
                                            + (generated ? "generated" : "from PATGATE_ADMIN_PASSWORD")));
                })
                .invoke(created -> {
                    if (!created) {
                        return;
                    }
                    if (generated) {
                        // the contract: printed once, on the start that created the account
                        LOG.warnf(
                                "Created user 'admin' with the generated password: %s"
                                        + "  (shown only this once; change it with PATCH /api/v1/users/{id})",
                                password);
                    } else {
                        LOG.info("Created user 'admin' with the password from PATGATE_ADMIN_PASSWORD");
                    }
                })
                .replaceWithVoid();
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
