package io.patgate.integration;

import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.identity.Caller;
import io.patgate.store.SigningKeyStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/** Signing-key rotation: by an admin, and automatically every {@code patgate.keys.rotation-interval}. */
@ApplicationScoped
public class KeyRotation {

    private static final Logger LOG = Logger.getLogger(KeyRotation.class);

    private final SigningKeyStore keys;
    private final AuditService audit;
    private final PatgateConfig config;

    public KeyRotation(SigningKeyStore keys, AuditService audit, PatgateConfig config) {
        this.keys = keys;
        this.audit = audit;
        this.config = config;
    }

    public Uni<List<SigningKeyStore.KeyInfo>> list() {
        return keys.list();
    }

    /** An admin's rotation; {@code immediate} after a leak (the new key signs at once). */
    public Uni<SigningKeyStore.Rotation> rotate(Caller caller, boolean immediate) {
        String actor = AuditService.actor(caller);
        return keys.rotate(
                null, immediate, detail -> audit.entry(actor, AuditAction.KEY_ROTATED, null, null, null, detail));
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> rotateWhenDue() {
        if (config.keys().rotationInterval().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return keys.rotate(
                        config.keys().rotationInterval().get(),
                        detail -> audit.entry(AuditService.SYSTEM, AuditAction.KEY_ROTATED, null, null, null, detail))
                .invoke(kid -> {
                    if (kid != null) {
                        LOG.infof("Signing key rotated automatically; now signing with %s", kid);
                    }
                })
                .onFailure()
                .invoke(e -> LOG.warnf("Automatic key rotation failed: %s", e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
