package io.patgate.notice;

import io.patgate.config.PatgateConfig;
import io.patgate.revocation.TokenRevocation;
import io.patgate.store.NoticeScanStore;
import io.patgate.store.NoticeStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import org.jboss.logging.Logger;

/**
 * The time-based notices: every {@code patgate.notices.scan-interval}, one replica (whichever takes the scan's
 * advisory lock) raises {@code token.expiring} at each threshold, {@code token.expired}, the warning before an unused
 * token's retirement, and retires (revokes, reason {@code unused}) the tokens warned a week ago and still unused.
 * Time is a parameter, so tests can scan as of any instant.
 */
@ApplicationScoped
public class NoticeScanner {

    private static final Logger LOG = Logger.getLogger(NoticeScanner.class);

    private final NoticeStore store;
    private final NoticeScanStore scans;
    private final TokenRevocation revocation;
    private final NoticeScanStore.Scan scan;
    private final Duration retention;

    public NoticeScanner(NoticeStore store, NoticeScanStore scans, TokenRevocation revocation, PatgateConfig config) {
        this.store = store;
        this.scans = scans;
        this.revocation = revocation;
        this.scan = new NoticeScanStore.Scan(
                config.notices().expiringDays(), config.tokens().retireUnusedAfter());
        // a notice is also what keeps its fact from being told twice: keep it past the longest threshold
        int longest = config.notices().expiringDays().isEmpty()
                ? 0
                : Collections.max(config.notices().expiringDays());
        Duration floor = Duration.ofDays(Math.max(longest, 7) + 1);
        this.retention = config.notices().retention().compareTo(floor) < 0
                ? floor
                : config.notices().retention();
    }

    @Scheduled(
            every = "${patgate.notices.scan-interval}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        Instant now = Instant.now();
        return scan(now)
                .chain(() -> store.pruneBefore(now.minus(retention)))
                .chain(() -> store.dropReplacedSecrets(now))
                .onFailure()
                .invoke(e -> LOG.warnf("Could not scan for time-based notices: %s", e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Raises what is due as of {@code now} (unless another replica is scanning); what was done. */
    public Uni<NoticeScanStore.Scanned> scan(Instant now) {
        return scans.scan(
                        scan,
                        now,
                        retired -> revocation.retirementEvent(
                                retired.tokenId(), retired.userId(), retired.username(), retired.unusedSince()))
                .invoke(done -> {
                    if (!done.retired().isEmpty()) {
                        LOG.infof(
                                "Retired %d tokens unused for %s",
                                done.retired().size(), scan.retireUnusedAfter().orElseThrow());
                    }
                    if (done.raised() > 0) {
                        LOG.debugf("Raised %d time-based notices", done.raised());
                    }
                });
    }
}
