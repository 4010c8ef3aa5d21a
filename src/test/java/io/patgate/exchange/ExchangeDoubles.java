package io.patgate.exchange;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The two ports the service accounts implement, as a test sets them: the trust entries, and an issuer that records
 * what it was asked and answers with an opaque value. Alternatives, enabled only by {@link TokenExchangeTest}'s profile
 * (the real ones, where they exist, serve every other test).
 */
final class ExchangeDoubles {

    private ExchangeDoubles() {}

    @Alternative
    @ApplicationScoped
    public static class Trusts implements TrustSource {
        static final List<Trust> ALL = new CopyOnWriteArrayList<>();

        @Override
        public Uni<List<Trust>> trustsFor(String issuer) {
            return Uni.createFrom()
                    .item(ALL.stream().filter(t -> t.issuer().equals(issuer)).toList());
        }
    }

    /** Issues for accounts whose roles it is told; disabled ones are declined. */
    @Alternative
    @ApplicationScoped
    public static class Issuer implements ExchangeIssuer {
        static final java.util.Map<UUID, List<String>> ROLES = new ConcurrentHashMap<>();
        static final Set<UUID> DISABLED = ConcurrentHashMap.newKeySet();
        static final List<Asked> ASKED = new CopyOnWriteArrayList<>();

        record Asked(Verdict.Accepted accepted, Optional<Set<String>> scope, Instant notAfter) {}

        @Override
        public Uni<Issuance> issue(Verdict.Accepted accepted, Optional<Set<String>> scope, Instant notAfter) {
            ASKED.add(new Asked(accepted, scope, notAfter));
            UUID account = accepted.trust().accountId();
            if (DISABLED.contains(account) || !ROLES.containsKey(account)) {
                return Uni.createFrom()
                        .item(new Declined(ExchangeOutcome.ACCOUNT_DISABLED, "account " + account + " is disabled"));
            }
            List<String> roles = ROLES.get(account);
            if (scope.isPresent() && !roles.containsAll(scope.get())) {
                return Uni.createFrom()
                        .item(new Declined(ExchangeOutcome.INVALID_SCOPE, scope.get() + " is beyond " + roles));
            }
            UUID id = UUID.randomUUID();
            return Uni.createFrom()
                    .item(new Issued(
                            "exchanged-" + id,
                            id.toString(),
                            notAfter,
                            new ArrayList<>(scope.orElse(new java.util.LinkedHashSet<>(roles)))));
        }
    }
}
