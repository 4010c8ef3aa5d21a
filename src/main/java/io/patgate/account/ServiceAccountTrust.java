package io.patgate.account;

import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.TrustState;
import io.patgate.store.Transactions;
import io.patgate.store.TrustEntry;
import io.patgate.store.TrustEntryRepository;
import io.patgate.store.TrustRows;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A service account's trust entries: the outside issuers whose tokens it accepts in the RFC 8693 exchange. Its managers
 * and admins add, list and remove them, with a signed-in session only, as {@link ServiceAccountAccess} rules; each
 * change is audited in its transaction and applied to {@link TrustState} after the commit.
 */
@ApplicationScoped
public class ServiceAccountTrust {

    private static final Logger LOG = Logger.getLogger(ServiceAccountTrust.class);

    private final ServiceAccountAccess access;
    private final TrustEntryRepository trusts;
    private final Transactions transactions;
    private final AuditService audit;
    private final TrustState trustState;
    private final boolean allowInsecureIssuers;

    public ServiceAccountTrust(
            ServiceAccountAccess access,
            TrustEntryRepository trusts,
            Transactions transactions,
            AuditService audit,
            TrustState trustState,
            PatgateConfig config) {
        this.access = access;
        this.trusts = trusts;
        this.transactions = transactions;
        this.audit = audit;
        this.trustState = trustState;
        this.allowInsecureIssuers = config.oidc().allowInsecure();
    }

    public Uni<ServiceAccountRequests.TrustView> addTrust(
            Caller caller, UUID id, ServiceAccountRequests.CreateTrust request) {
        ServiceAccountAccess.requireSession(caller, "Changing a service account's trust");
        String issuer = TrustRules.issuer(request.issuer(), allowInsecureIssuers);
        String audience = TrustRules.audience(request.audience());
        String subject = TrustRules.subject(request.subject());
        Map<String, String> claims = TrustRules.claims(request.claims());
        TrustRules.requireBinding(subject, claims);
        int maxTtl = TrustRules.maxTtl(request.maxTtlSeconds());
        String jwks = TrustRules.jwks(request.jwks());
        Instant now = UserService.now();
        return transactions
                .write(() -> access.requireManageable(caller, id, true)
                        .chain(account -> trusts.countLiveOf(account.id).chain(held -> {
                            if (held >= TrustRules.MAX_PER_ACCOUNT) {
                                throw Refusal.limitReached("This service account has " + held
                                        + " trust entries, the most allowed; remove one first");
                            }
                            TrustEntry entry = new TrustEntry();
                            entry.id = UUID.randomUUID();
                            entry.accountId = account.id;
                            entry.issuer = issuer;
                            entry.audience = audience;
                            entry.subject = subject;
                            entry.claims = TrustRows.claimsJson(claims);
                            entry.maxTtlSeconds = maxTtl;
                            entry.jwks = jwks;
                            entry.createdAt = now;
                            entry.createdBy = AuditService.actor(caller);
                            return trusts.persist(entry)
                                    .call(e -> audit.record(
                                            AuditService.actor(caller),
                                            AuditAction.SERVICE_ACCOUNT_TRUST_ADDED,
                                            account.id,
                                            account.username,
                                            null,
                                            "trust " + e.id + ": issuer " + issuer + ", audience " + audience
                                                    + (subject == null ? "" : ", subject " + subject)
                                                    + (claims.isEmpty() ? "" : ", claims " + claims)
                                                    + ", max " + maxTtl + " s, keys "
                                                    + (jwks == null ? "from discovery" : "inline")));
                        })))
                .invoke(entry -> {
                    trustState.apply(TrustRows.state(entry));
                    LOG.infof("Trust %s added to service account %s by %s", entry.id, entry.accountId, caller.userId());
                })
                .map(ServiceAccountTrust::trustView);
    }

    public Uni<List<ServiceAccountRequests.TrustView>> trust(Caller caller, UUID id) {
        ServiceAccountAccess.requireSession(caller, "Reading a service account's trust");
        return transactions
                .read(() -> access.requireManageable(caller, id, false).chain(account -> trusts.liveOf(account.id)))
                .map(entries ->
                        entries.stream().map(ServiceAccountTrust::trustView).toList());
    }

    public Uni<Void> removeTrust(Caller caller, UUID id, UUID trustId) {
        ServiceAccountAccess.requireSession(caller, "Changing a service account's trust");
        Instant now = UserService.now();
        return transactions
                .write(() -> access.requireManageable(caller, id, true)
                        .chain(account -> trusts.findLiveForUpdate(account.id, trustId)
                                .chain(entry -> {
                                    if (entry == null) {
                                        throw Refusal.notFound("Trust entry");
                                    }
                                    entry.removedAt = now;
                                    return audit.record(
                                                    AuditService.actor(caller),
                                                    AuditAction.SERVICE_ACCOUNT_TRUST_REMOVED,
                                                    account.id,
                                                    account.username,
                                                    null,
                                                    "trust " + entry.id + ": issuer " + entry.issuer + ", audience "
                                                            + entry.audience)
                                            .replaceWith(entry);
                                })))
                .invoke(entry -> {
                    trustState.apply(TrustRows.state(entry));
                    LOG.infof(
                            "Trust %s of service account %s removed by %s", entry.id, entry.accountId, caller.userId());
                })
                .replaceWithVoid();
    }

    private static ServiceAccountRequests.TrustView trustView(TrustEntry e) {
        return new ServiceAccountRequests.TrustView(
                e.id,
                e.issuer,
                e.audience,
                e.subject,
                TrustRows.claims(e.claims),
                e.maxTtlSeconds,
                e.jwks,
                e.createdAt,
                e.createdBy);
    }
}
