package io.patgate.token;

import io.patgate.domain.Permissions;
import io.patgate.account.UserService;
import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.Cidr;
import io.patgate.http.Paged;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.patgate.identity.CredentialVerifier;
import io.patgate.identity.IdentityState;
import io.patgate.identity.PatgateIdentityProvider;
import io.patgate.identity.TokenGapFiller;
import io.patgate.identity.TokenSigner;
import io.patgate.identity.TokenState;
import io.patgate.identity.UsageTracker;
import io.patgate.store.AccessToken;
import io.patgate.store.AccessTokenRepository;
import io.patgate.store.AccessTokenRepository.Status;
import io.patgate.store.TokenRows;
import io.patgate.store.User;
import io.patgate.store.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The lifecycle of personal access tokens: the rules, the transactions, and publishing each committed
 * change to the in-memory state so that it takes effect on the next request.
 */
@ApplicationScoped
public class TokenService {

    /** Far enough to never matter; a never-expiring token's JWT still carries an exp (its state has none). */
    private static final Duration NEVER = Duration.ofDays(365L * 100);
    private static final Duration MIN_LIFETIME = Duration.ofDays(1);
    /** Requests take time to travel; "at least one day" tolerates this much of it. */
    private static final Duration SLACK = Duration.ofMinutes(5);
    private static final Logger LOG = Logger.getLogger(TokenService.class);

    private final AccessTokenRepository tokens;
    private final UserRepository users;
    private final AuditService audit;
    private final TokenSigner signer;
    private final IdentityState state;
    private final UsageTracker usage;
    private final TokenGapFiller gaps;
    private final PatgateConfig.Tokens config;
    private final SecureRandom random = new SecureRandom();

    public TokenService(AccessTokenRepository tokens, UserRepository users, AuditService audit, TokenSigner signer, IdentityState state,
                        UsageTracker usage, TokenGapFiller gaps, PatgateConfig config) {
        this.tokens = tokens;
        this.users = users;
        this.audit = audit;
        this.signer = signer;
        this.state = state;
        this.usage = usage;
        this.gaps = gaps;
        this.config = config.tokens();
    }

    // ---- create ----

    public Uni<TokenRequests.View> create(Caller caller, TokenRequests.Create request) {
        requireManager(caller);
        String name = name(request.name());
        String description = description(request.description());
        Instant now = now();
        Instant expiresAt = expiry(caller, now, request.expiresAt(), request.expiresInDays(), request.neverExpires());
        Set<String> scopes = scopes(caller, request.scopes());
        List<String> cidrs = cidrsFor(caller, cidrs(request.allowedCidrs()));
        UUID id = UUID.randomUUID();
        String value = sign(id, caller, now, expiresAt);
        return Panache.withTransaction(() -> users.findById(caller.userId(), LockModeType.PESSIMISTIC_WRITE)
                        // the owner's row is locked: concurrent creates for one user run one after the other
                        .chain(owner -> {
                            if (owner == null || owner.deletedAt != null || owner.disabled) {
                                throw Refusal.unauthenticated("The account is disabled or no longer exists");
                            }
                            return tokens.activeNameTaken(owner.id, name, now);
                        })
                        .chain(taken -> {
                            if (taken) {
                                throw Refusal.conflict("You already have an active token named '" + name + "'");
                            }
                            return tokens.countActive(caller.userId(), now);
                        })
                        .chain(active -> {
                            if (active >= config.maxPerUser()) {
                                throw Refusal.limitReached("You have " + active + " active tokens, the most allowed (patgate.tokens.max-per-user)");
                            }
                            AccessToken token = new AccessToken();
                            token.id = id;
                            token.userId = caller.userId();
                            token.name = name;
                            token.description = description;
                            token.scopes = scopes.toArray(String[]::new);
                            token.allowedCidrs = cidrs.toArray(String[]::new);
                            token.digest = CredentialVerifier.sha256(value);
                            // microseconds, so "newest first" holds between tokens created in the same second
                            token.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            token.updatedAt = token.createdAt;
                            token.issuedAt = now;
                            token.expiresAt = expiresAt;
                            token.recentIps = new String[0];
                            return tokens.persist(token).call(t -> audit.record(AuditService.actor(caller), "token.created", caller.userId(),
                                    caller.username(), t.id, "name " + quote(t.name) + ", scopes " + scopes + ", expires "
                                            + (expiresAt == null ? "never" : expiresAt) + (cidrs.isEmpty() ? "" : ", from " + cidrs)));
                        }))
                .invoke(token -> {
                    gaps.created(token.id);
                    state.putToken(TokenRows.state(token));
                    LOG.infof("Token %s created for user %s by %s", token.id, token.userId, describe(caller));
                })
                .map(token -> view(token, caller.username(), now).withToken(value));
    }

    // ---- read ----

    /** The list filters a person (or the web UI) sends: {@code ?status=&q=&sort=}. */
    public record ListQuery(String status, String search, String sort) {
    }

    public Uni<Paged<TokenRequests.View>> listOwn(Caller caller, ListQuery query, int page, int size) {
        requireManager(caller);
        Status filter = status(query.status());
        String search = search(query.search());
        AccessTokenRepository.Order order = order(query.sort());
        Instant now = now();
        return Panache.withSession(() -> tokens.count(caller.userId(), filter, search, now)
                .chain(total -> tokens.page(caller.userId(), filter, search, order, now, page, size)
                        .map(list -> new Paged<>(list.stream().map(t -> view(t, caller.username(), now)).toList(), total))));
    }

    public Uni<Paged<TokenRequests.View>> listAll(Caller caller, String username, ListQuery query, int page, int size) {
        requireManager(caller);
        Status filter = status(query.status());
        String search = search(query.search());
        AccessTokenRepository.Order order = order(query.sort());
        Instant now = now();
        return Panache.withSession(() -> {
            Uni<UUID> owner = username == null || username.isBlank()
                    ? Uni.createFrom().nullItem()
                    : users.find("lower(username) = lower(?1)", username).list()
                    .map(found -> found.stream().filter(u -> u.deletedAt == null).findFirst().or(() -> found.stream().findFirst())
                            .map(u -> u.id).orElse(new UUID(0, 0)));
            return owner.chain(ownerId -> tokens.count(ownerId, filter, search, now)
                    .chain(total -> tokens.page(ownerId, filter, search, order, now, page, size)
                            .chain(list -> owners(list).map(names -> new Paged<>(
                                    list.stream().map(t -> view(t, names.get(t.userId), now)).toList(), total)))));
        });
    }

    public Uni<TokenRequests.View> get(Caller caller, UUID id) {
        requireManager(caller);
        Instant now = now();
        return Panache.withSession(() -> visible(caller, id).chain(t -> owners(List.of(t)).map(names -> view(t, names.get(t.userId), now))));
    }

    /** The token that made this request. */
    public Uni<TokenRequests.View> self(Caller caller) {
        if (caller.isSession()) {
            throw Refusal.forbidden("This request was made with a session, not a personal access token");
        }
        Instant now = now();
        return Panache.withSession(() -> tokens.findById(caller.credentialId()))
                .map(t -> {
                    if (t == null) {
                        throw Refusal.notFound("Token");
                    }
                    return view(t, caller.username(), now).asSeenBySelf(caller.effectiveScopes());
                });
    }

    // ---- change ----

    public Uni<TokenRequests.View> update(Caller caller, UUID id, TokenRequests.Update request) {
        requireManager(caller);
        String description = request.description() == null ? null : description(request.description());
        Instant now = now();
        return Panache.withTransaction(() -> visibleForUpdate(caller, id)
                        .chain(token -> owner(token).map(owner -> {
                            requireNoWiderNetworks(caller, token);
                            if (request.scopes() != null) {
                                token.scopes = scopesFor(caller, owner, request.scopes()).toArray(String[]::new);
                            }
                            if (request.description() != null) {
                                token.description = description;
                            }
                            token.updatedAt = now;
                            return Map.entry(token, owner.username);
                        }))
                        .call(e -> audit.record(AuditService.actor(caller), "token.changed", e.getKey().userId, e.getValue(), id,
                                (request.scopes() != null ? "scopes " + new TreeSet<>(Arrays.asList(e.getKey().scopes)) : "")
                                        + (request.description() != null ? (request.scopes() != null ? ", " : "") + "description" : ""))))
                .invoke(e -> {
                    state.putToken(TokenRows.state(e.getKey()));
                    LOG.infof("Token %s changed by %s", id, describe(caller));
                })
                .map(e -> view(e.getKey(), e.getValue(), now));
    }

    public Uni<TokenRequests.View> regenerate(Caller caller, UUID id, TokenRequests.Regenerate request) {
        requireManager(caller);
        Instant now = now();
        Instant expiresAt = expiry(caller, now, request.expiresAt(), request.expiresInDays(), request.neverExpires());
        int grace = request.graceSeconds() == null ? 0 : request.graceSeconds();
        String[] issued = new String[1];
        return Panache.withTransaction(() -> visibleForUpdate(caller, id)
                        .chain(token -> owner(token).map(owner -> {
                            if (token.revokedAt != null) {
                                throw Refusal.conflict("A revoked token cannot be regenerated; create a new one");
                            }
                            if (!caller.isSession() && !caller.scopes().containsAll(Arrays.asList(token.scopes))) {
                                throw Refusal.forbidden("A token cannot regenerate a token with scopes it does not hold: "
                                        + missing(Arrays.asList(token.scopes), caller.scopes()));
                            }
                            requireNoWiderNetworks(caller, token);
                            issued[0] = signer.sign(TokenSigner.PAT_TYPE, token.id, owner.id, owner.username, now,
                                    expiresAt == null ? now.plus(NEVER) : expiresAt, nonce());
                            token.previousDigest = grace > 0 ? token.digest : null;
                            token.previousValidUntil = grace > 0 ? now.plusSeconds(grace) : null;
                            token.digest = CredentialVerifier.sha256(issued[0]);
                            token.expiresAt = expiresAt;
                            token.updatedAt = now;
                            token.issuedAt = now;
                            return Map.entry(token, owner.username);
                        }))
                        .call(e -> audit.record(AuditService.actor(caller), "token.regenerated", e.getKey().userId, e.getValue(), id,
                                "expires " + (expiresAt == null ? "never" : expiresAt) + ", old value valid for " + grace + " s")))
                .invoke(e -> {
                    state.putToken(TokenRows.state(e.getKey()));
                    LOG.infof("Token %s regenerated by %s (old value valid for %d s)", id, describe(caller), grace);
                })
                .map(e -> view(e.getKey(), e.getValue(), now).withToken(issued[0]));
    }

    /** Revokes a token; revoking a revoked token changes nothing (the DELETE is idempotent). */
    public Uni<Void> revoke(Caller caller, UUID id) {
        requireManager(caller);
        Instant now = now();
        return Panache.withTransaction(() -> visibleForUpdate(caller, id).chain(token -> {
                    if (token.revokedAt != null) {
                        return Uni.createFrom().item(token);
                    }
                    markRevoked(token, token.userId.equals(caller.userId()) ? "owner" : "admin", now);
                    return owner(token).chain(owner -> audit.record(AuditService.actor(caller), "token.revoked", token.userId, owner.username,
                            token.id, "reason " + token.revokedReason)).replaceWith(token);
                }))
                .invoke(token -> {
                    state.putToken(TokenRows.state(token));
                    LOG.infof("Token %s revoked (%s) by %s", id, token.revokedReason, describe(caller));
                })
                .replaceWithVoid();
    }

    /**
     * RFC 7009: someone holding the token reports it (a leak). Holding it is the proof; the token is
     * revoked with reason {@code leak-report}. Unknown or already revoked tokens change nothing.
     */
    public Uni<Boolean> revokeReported(UUID id) {
        Instant now = now();
        return Panache.withTransaction(() -> tokens.findById(id, LockModeType.PESSIMISTIC_WRITE).chain(token -> {
                    if (token == null || token.revokedAt != null) {
                        return Uni.createFrom().<AccessToken>nullItem();
                    }
                    markRevoked(token, "leak-report", now);
                    return users.findById(token.userId).chain(owner -> audit.record(AuditService.ANONYMOUS, "token.leak-reported",
                            token.userId, owner == null ? null : owner.username, token.id, "revoked: reported through /oauth/revoke"))
                            .replaceWith(token);
                }))
                .invoke(token -> {
                    if (token != null) {
                        state.putToken(TokenRows.state(token));
                        LOG.warnf("Token %s revoked after a leak report", token.id);
                    }
                })
                .map(token -> token != null);
    }

    private static void markRevoked(AccessToken token, String reason, Instant now) {
        token.revokedAt = now;
        token.revokedReason = reason;
        token.previousDigest = null;
        token.previousValidUntil = null;
        token.updatedAt = now;
    }

    private static String quote(String name) {
        return "'" + name.replace("\n", " ") + "'";
    }

    // ---- rules ----

    /** Sessions manage tokens; a PAT needs the {@code tokens} scope. */
    private static void requireManager(Caller caller) {
        if (!caller.isSession() && !caller.scopes().contains(Permissions.TOKENS)) {
            throw Refusal.forbidden("Missing scope '" + Permissions.TOKENS + "': this token may not manage tokens");
        }
    }

    private static boolean isAdmin(Caller caller) {
        return PatgateIdentityProvider.effectiveRoles(caller).contains(Permissions.ADMIN);
    }

    /** The token, if the caller owns it or is an admin; someone else's token is "not found", not "forbidden". */
    private Uni<AccessToken> visible(Caller caller, UUID id) {
        return tokens.findById(id).map(token -> {
            if (token == null || !token.userId.equals(caller.userId()) && !isAdmin(caller)) {
                throw Refusal.notFound("Token");
            }
            return token;
        });
    }

    /**
     * Like {@link #visible}, with the row locked until the transaction ends: a revocation and a concurrent
     * regeneration (or patch) run one after the other, so neither can write over the other.
     */
    private Uni<AccessToken> visibleForUpdate(Caller caller, UUID id) {
        return tokens.findById(id, LockModeType.PESSIMISTIC_WRITE).map(token -> {
            if (token == null || !token.userId.equals(caller.userId()) && !isAdmin(caller)) {
                throw Refusal.notFound("Token");
            }
            return token;
        });
    }

    private Uni<User> owner(AccessToken token) {
        return users.findById(token.userId).map(owner -> {
            if (owner == null || owner.deletedAt != null) {
                throw Refusal.conflict("The owner of this token was deleted");
            }
            return owner;
        });
    }

    private Uni<Map<UUID, String>> owners(List<AccessToken> list) {
        Set<UUID> ids = list.stream().map(t -> t.userId).collect(Collectors.toSet());
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return users.list("id in :ids", io.quarkus.panache.common.Parameters.with("ids", List.copyOf(ids))).map(found -> found.stream().collect(Collectors.toMap(u -> u.id, u -> u.username)));
    }

    private Instant expiry(Caller caller, Instant now, Instant expiresAt, Integer days, Boolean never) {
        int given = (expiresAt != null ? 1 : 0) + (days != null ? 1 : 0) + (Boolean.TRUE.equals(never) ? 1 : 0);
        if (given > 1) {
            throw Refusal.invalid("expiresAt", "give only one of expiresAt, expiresInDays and neverExpires");
        }
        Instant max = now.plus(config.maxLifetime());
        Instant result;
        if (Boolean.TRUE.equals(never)) {
            if (!config.allowNonExpiring()) {
                throw Refusal.invalid("neverExpires", "tokens that never expire are not allowed here (patgate.tokens.allow-non-expiring)");
            }
            result = null;
        } else if (days != null) {
            long maxDays = config.maxLifetime().toDays();
            if (days < 1 || days > maxDays) {
                throw Refusal.invalid("expiresInDays", "must be between 1 and " + maxDays);
            }
            result = now.plus(Duration.ofDays(days));
        } else if (expiresAt != null) {
            if (expiresAt.isBefore(now.plus(MIN_LIFETIME).minus(SLACK))) {
                throw Refusal.invalid("expiresAt", "must be at least one day from now");
            }
            if (expiresAt.isAfter(max.plus(SLACK))) {
                throw Refusal.invalid("expiresAt", "must be at most " + config.maxLifetime().toDays() + " days from now");
            }
            result = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        } else {
            result = now.plus(config.defaultLifetime());
        }
        if (!caller.isSession() && caller.expiresAt() != null && (result == null || result.isAfter(caller.expiresAt()))) {
            // a token cannot outlive the token that made it; with no expiry given, it dies with its maker
            if (given == 0) {
                return caller.expiresAt();
            }
            throw Refusal.forbidden("A token cannot create a token that outlives itself (it expires " + caller.expiresAt() + ")");
        }
        return result;
    }

    private Set<String> scopes(Caller caller, List<String> requested) {
        if (requested == null) {
            Set<String> defaults = new TreeSet<>(caller.roles());
            if (!caller.isSession()) {
                defaults.retainAll(caller.scopes());
            }
            return defaults;
        }
        Set<String> wanted = new TreeSet<>(requested);
        Set<String> allowed = new TreeSet<>(caller.roles());
        allowed.add(Permissions.TOKENS);
        if (!allowed.containsAll(wanted)) {
            throw Refusal.invalid("scopes", "not among your roles: " + missing(wanted, allowed));
        }
        if (!caller.isSession() && !caller.scopes().containsAll(wanted)) {
            throw Refusal.forbidden("A token cannot grant scopes it does not hold: " + missing(wanted, caller.scopes()));
        }
        return wanted;
    }

    /** Scopes of an existing token being patched: a subset of its owner's roles (and of a PAT caller's scopes). */
    private static Set<String> scopesFor(Caller caller, User owner, List<String> requested) {
        Set<String> wanted = new TreeSet<>(requested);
        Set<String> allowed = new TreeSet<>(Arrays.asList(owner.roles));
        allowed.add(Permissions.TOKENS);
        if (!allowed.containsAll(wanted)) {
            throw Refusal.invalid("scopes", "not among the owner's roles: " + missing(wanted, allowed));
        }
        if (!caller.isSession() && !caller.scopes().containsAll(wanted)) {
            throw Refusal.forbidden("A token cannot grant scopes it does not hold: " + missing(wanted, caller.scopes()));
        }
        return wanted;
    }

    private static String missing(java.util.Collection<String> wanted, Set<String> held) {
        return wanted.stream().filter(s -> !held.contains(s)).sorted().collect(Collectors.joining(", "));
    }

    private static String name(String name) {
        if (name == null || name.isBlank()) {
            throw Refusal.invalid("name", "is required");
        }
        int length = name.codePointCount(0, name.length());
        if (length > 64) {
            throw Refusal.invalid("name", "must be at most 64 characters");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw Refusal.invalid("name", "must not contain control characters");
        }
        return name;
    }

    private static String description(String description) {
        if (description == null) {
            return null;
        }
        if (description.codePointCount(0, description.length()) > 256) {
            throw Refusal.invalid("description", "must be at most 256 characters");
        }
        return description;
    }

    private static List<String> cidrs(List<String> requested) {
        if (requested == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            int index = i;
            out.add(Cidr.parse(requested.get(i)).map(Cidr::toString)
                    .orElseThrow(() -> Refusal.invalid("allowedCidrs[" + index + "]", "is not an IPv4 or IPv6 address or CIDR")));
        }
        return new ArrayList<>(out);
    }

    /**
     * A token made by a network-restricted token is restricted at least as much: by default to its
     * maker's networks, and never to networks outside them.
     */
    private List<String> cidrsFor(Caller caller, List<String> requested) {
        if (caller.isSession()) {
            return requested;
        }
        TokenState maker = state.token(caller.credentialId());
        if (maker == null || maker.allowedCidrs().isEmpty()) {
            return requested;
        }
        if (requested.isEmpty()) {
            return maker.allowedCidrs().stream().map(Cidr::toString).toList();
        }
        for (String wanted : requested) {
            Cidr c = Cidr.parse(wanted).orElseThrow();
            if (maker.allowedCidrs().stream().noneMatch(m -> m.covers(c))) {
                throw Refusal.forbidden("A token cannot allow networks outside its own: " + wanted);
            }
        }
        return requested;
    }

    /**
     * A token limited to networks may change or regenerate only tokens limited at least as tightly: it must
     * never get (or shape) a value that works from where it cannot itself, which is the rule of create too.
     */
    private void requireNoWiderNetworks(Caller caller, AccessToken target) {
        if (caller.isSession()) {
            return;
        }
        TokenState maker = state.token(caller.credentialId());
        if (maker == null || maker.allowedCidrs().isEmpty()) {
            return;
        }
        if (target.allowedCidrs.length == 0) {
            throw Refusal.forbidden("A token limited to networks cannot change a token that works from anywhere");
        }
        for (String allowed : target.allowedCidrs) {
            Cidr c = Cidr.parse(allowed).orElse(null);
            if (c == null || maker.allowedCidrs().stream().noneMatch(m -> m.covers(c))) {
                throw Refusal.forbidden("A token cannot change a token that works from networks outside its own: " + allowed);
            }
        }
    }

    private static Status status(String value) {
        if (value == null || value.isBlank()) {
            return Status.ALL;
        }
        try {
            return Status.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("status", "must be one of active, expired, revoked, all");
        }
    }

    private static String search(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.length() > 64) {
            throw Refusal.invalid("q", "must be at most 64 characters");
        }
        return trimmed;
    }

    private static AccessTokenRepository.Order order(String value) {
        if (value == null || value.isBlank()) {
            return AccessTokenRepository.Order.CREATED;
        }
        return switch (value.trim()) {
            case "created" -> AccessTokenRepository.Order.CREATED;
            case "expires" -> AccessTokenRepository.Order.EXPIRES;
            case "lastUsed" -> AccessTokenRepository.Order.LAST_USED;
            case "name" -> AccessTokenRepository.Order.NAME;
            default -> throw Refusal.invalid("sort", "must be one of created, expires, lastUsed, name");
        };
    }

    private String sign(UUID id, Caller caller, Instant now, Instant expiresAt) {
        return signer.sign(TokenSigner.PAT_TYPE, id, caller.userId(), caller.username(), now,
                expiresAt == null ? now.plus(NEVER) : expiresAt, nonce());
    }

    private String nonce() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String describe(Caller caller) {
        return caller.isSession() ? "user " + caller.userId() : "token " + caller.credentialId();
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    TokenRequests.View view(AccessToken t, String owner, Instant now) {
        Instant lastUsedAt = t.lastUsedAt;
        String lastUsedIp = t.lastUsedIp;
        List<UsageTracker.Seen> recent = TokenRows.recent(t.recentIps);
        UsageTracker.Usage live = usage.usage(t.id);
        if (live != null) {
            // what this replica saw and has not written yet, merged with what every replica wrote
            if (lastUsedAt == null || live.lastUsedAt().isAfter(lastUsedAt)) {
                lastUsedAt = live.lastUsedAt();
                lastUsedIp = live.lastUsedIp();
            }
            recent = UsageTracker.mergeRecent(live.recent(), recent);
        }
        String status = t.revokedAt != null ? "revoked" : t.expiresAt != null && !now.isBefore(t.expiresAt) ? "expired" : "active";
        return new TokenRequests.View(t.id, t.name, t.description, Arrays.stream(t.scopes).sorted().toList(), List.of(t.allowedCidrs),
                t.createdAt, t.expiresAt, lastUsedAt, lastUsedIp,
                recent.stream().map(s -> new TokenRequests.RecentIp(s.ip(), s.at())).toList(),
                t.revokedAt, t.revokedReason, status, owner, t.userId, null, null);
    }

}
