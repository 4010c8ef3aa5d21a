package io.patgate.token;

import io.patgate.domain.Cidr;
import io.patgate.identity.UsageTracker;
import io.patgate.store.AccessToken;
import io.patgate.store.StateRows;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A token as the API shows it: the row, with the last use that this replica saw and has not written yet
 * merged in, so a token used a second ago does not read as unused.
 */
@ApplicationScoped
public class TokenViews {

    private final UsageTracker usage;

    public TokenViews(UsageTracker usage) {
        this.usage = usage;
    }

    public TokenRequests.View of(AccessToken t, String owner, Instant now) {
        Instant lastUsedAt = t.lastUsedAt;
        String lastUsedIp = t.lastUsedIp == null ? null : Cidr.respell(t.lastUsedIp);
        List<UsageTracker.Seen> recent = StateRows.recent(t.recentIps);
        UsageTracker.Usage live = usage.usage(t.id);
        if (live != null) {
            // what this replica saw and has not written yet, merged with what every replica wrote
            if (lastUsedAt == null || live.lastUsedAt().isAfter(lastUsedAt)) {
                lastUsedAt = live.lastUsedAt();
                lastUsedIp = live.lastUsedIp();
            }
            recent = UsageTracker.mergeRecent(live.recent(), recent);
        }
        return new TokenRequests.View(
                t.id,
                t.name,
                t.description,
                Arrays.stream(t.scopes).sorted().toList(),
                // in today's spelling, also for a network stored in an older one (::1/128 was once 0:0:0:0:0:0:0:1/128)
                Arrays.stream(t.allowedCidrs)
                        .map(c -> Cidr.parse(c).map(Cidr::toString).orElse(c))
                        .toList(),
                t.createdAt,
                t.expiresAt,
                lastUsedAt,
                lastUsedIp,
                recent.stream()
                        .map(s -> new TokenRequests.RecentIp(s.ip(), s.at()))
                        .toList(),
                t.revokedAt,
                t.revokedReason,
                status(t, now),
                owner,
                t.userId,
                null,
                null);
    }

    static String status(AccessToken t, Instant now) {
        return t.revokedAt != null
                ? "revoked"
                : t.expiresAt != null && !now.isBefore(t.expiresAt) ? "expired" : "active";
    }
}
