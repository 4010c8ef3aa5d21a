package io.patgate.exchange;

import io.patgate.audit.AuditService;
import io.patgate.domain.AuditAction;
import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenSigner;
import io.patgate.identity.TrustLookup;
import io.patgate.identity.TrustState;
import io.patgate.identity.WorkloadTrust;
import io.patgate.store.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The service accounts' side of the token exchange: their trust entries, as every replica holds them in memory
 * ({@link TrustState}), and the token an accepted subject token is exchanged for.
 *
 * <p>That token is a patgate-signed JWT of its own type ({@link TokenSigner#EXCHANGE_TYPE}), minutes long, and it has
 * <b>no row</b>: it names the account ({@code sub}), the trust entry that let it in ({@code trust}) and its scopes, and
 * the per-request check judges it from memory like a session: the account must exist and be enabled, the trust entry
 * must still exist (so disabling or deleting the account, or removing the trust, ends it on every replica with the change
 * feed's next notification), and its scopes are intersected with the account's roles now. So an exchange writes one
 * row, its audit event, and a fleet of jobs exchanging every minute adds nothing to the table of tokens; a token issued
 * on one replica is good on every other at once, since they all hold the same keys and the same trust entries. An
 * exchange memory would refuse is judged again after the issuer's entries are read from the primary ({@link #current}),
 * so a trust made a moment ago through another replica is honoured before the feed brings it.
 */
@ApplicationScoped
public class WorkloadTokens implements TrustSource, ExchangeIssuer {

    private static final Logger LOG = Logger.getLogger(WorkloadTokens.class);

    private final TrustState trusts;
    private final IdentityState accounts;
    private final TokenSigner signer;
    private final AuditService audit;
    private final Transactions transactions;
    private final Instance<TrustLookup> primary;
    private final Clock clock = Clock.systemUTC();

    public WorkloadTokens(
            TrustState trusts,
            IdentityState accounts,
            TokenSigner signer,
            AuditService audit,
            Transactions transactions,
            Instance<TrustLookup> primary) {
        this.primary = primary;
        this.trusts = trusts;
        this.accounts = accounts;
        this.signer = signer;
        this.audit = audit;
        this.transactions = transactions;
    }

    @Override
    public Uni<List<Trust>> trustsFor(String issuer) {
        return Uni.createFrom()
                .item(trusts.forIssuer(issuer).stream()
                        .map(WorkloadTokens::trust)
                        .toList());
    }

    /** Memory after the issuer's entries and accounts were read from the primary ({@link TrustLookup}). */
    @Override
    public TrustSource current() {
        if (primary.isUnsatisfied()) {
            return null;
        }
        return issuer -> primary.get().readIssuer(issuer).chain(() -> trustsFor(issuer));
    }

    private static Trust trust(WorkloadTrust t) {
        return new Trust(
                t.id(), t.accountId(), t.issuer(), t.audience(), t.subject(), t.claims(), t.maxTtlSeconds(), t.jwks());
    }

    @Override
    public Uni<Issuance> issue(Verdict.Accepted accepted, Optional<Set<String>> scope, Instant notAfter) {
        UUID trustId = accepted.trust().id();
        WorkloadTrust trust = trusts.trust(trustId);
        IdentityState.UserState account = trust == null ? null : accounts.user(trust.accountId());
        if (trust == null || account == null || account.disabled()) {
            return Uni.createFrom()
                    .item(new Declined(
                            ExchangeOutcome.ACCOUNT_DISABLED, "the trust or its account is gone or disabled"));
        }
        Set<String> scopes = new TreeSet<>(scope.orElse(account.roles()));
        if (!account.roles().containsAll(scopes)) {
            Set<String> beyond = new TreeSet<>(scopes);
            beyond.removeAll(account.roles());
            return Uni.createFrom()
                    .item(new Declined(ExchangeOutcome.INVALID_SCOPE, "scopes beyond the account's roles: " + beyond));
        }
        Instant now = clock.instant();
        UUID jti = UUID.randomUUID();
        String value = signer.signExchange(jti, account.id(), account.username(), now, notAfter, scopes, trustId);
        String detail = "issuer " + DocumentFetcher.safe(accepted.issuer()) + ", subject "
                + DocumentFetcher.safe(accepted.subject())
                + ", trust " + trustId + ", scopes " + String.join(" ", scopes) + ", expires " + notAfter
                + (accepted.jwtId() == null ? "" : ", subject token jti " + DocumentFetcher.safe(accepted.jwtId()));
        String actor = "exchange: " + DocumentFetcher.safe(accepted.subject());
        return transactions
                .write(() ->
                        audit.record(actor, AuditAction.TOKEN_EXCHANGED, account.id(), account.username(), jti, detail))
                .invoke(() -> LOG.debugf(
                        "Exchanged a token of %s for token %s of account %s",
                        DocumentFetcher.safe(accepted.issuer()), jti, account.id()))
                .replaceWith(new Issued(value, jti.toString(), notAfter, List.copyOf(scopes)));
    }
}
