package io.patgate.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patgate.config.PatgateConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jose4j.jwk.EllipticCurveJsonWebKey;

/**
 * The per-request check as production wires it, without Quarkus: the real state, key ring, JWS verification (SmallRye
 * JWT), rules and metrics, the real {@link PatgateConfig} at its defaults, and a clock the test moves. Tokens are signed
 * by the real {@link TokenSigner} with a key made for the test.
 */
public final class CheckFixture {

    /** A clock the test moves; starts at the real now (SmallRye JWT judges {@code exp} by the real one too). */
    public static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        public void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    static final String KID = "test-key";

    public final MovableClock clock = new MovableClock();
    public final PatgateConfig config;
    public final IdentityState state = new IdentityState();
    final KeyRing keys = new KeyRing();
    final TrustState trusts = new TrustState(state);
    final ExpiredUses expiredUses = new ExpiredUses();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Freshness freshness;
    public final CredentialVerifier verifier;
    final TokenSigner signer;
    final KeyPair keyPair;
    final String publicJwk;

    public CheckFixture() {
        SmallRyeConfig smallRye = new SmallRyeConfigBuilder()
                .withMapping(PatgateConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .build();
        config = smallRye.getConfigMapping(PatgateConfig.class);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            keyPair = g.generateKeyPair();
            EllipticCurveJsonWebKey jwk = new EllipticCurveJsonWebKey((ECPublicKey) keyPair.getPublic());
            jwk.setKeyId(KID);
            publicJwk = jwk.toJson();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        keys.replace(
                List.of(new KeyRing.Signer(
                        KID, keyPair.getPrivate(), clock.instant().minusSeconds(60), null)),
                List.of(new KeyRing.VerificationKey(
                        KID,
                        keyPair.getPublic(),
                        publicJwk,
                        KeyRing.verifierFor(keyPair.getPublic(), config.keys().issuer()),
                        null)));
        UsageTracker usage = new UsageTracker();
        CheckMetrics metrics = new CheckMetrics(registry, state, usage);
        freshness = new Freshness(state, config, clock);
        TokenGapFiller gaps =
                new TokenGapFiller(null, state, config, registry); // no read in these tests: a cold token is NeedsRead
        verifier = new CredentialVerifier(
                new JwsVerifier(new DefaultJWTParser(), keys, new ObjectMapper()),
                keys,
                state,
                usage,
                gaps,
                expiredUses,
                freshness,
                config,
                metrics,
                trusts,
                clock);
        signer = new TokenSigner(keys, config);
    }

    static ByteBuffer digest(String value) {
        return ByteBuffer.wrap(Digests.sha256(value));
    }

    public IdentityState.UserState user(String name, String... roles) {
        IdentityState.UserState user =
                new IdentityState.UserState(UUID.randomUUID(), name, Set.of(roles), false, null, null, 1);
        state.putUser(user);
        return user;
    }

    void disable(IdentityState.UserState user) {
        state.putUser(new IdentityState.UserState(
                user.id(), user.username(), user.roles(), true, null, null, user.version() + 1));
    }

    void setRoles(IdentityState.UserState user, String... roles) {
        state.putUser(new IdentityState.UserState(
                user.id(), user.username(), Set.of(roles), false, null, null, user.version() + 1));
    }

    /** A PAT as issued: signed, and held in memory by the digest of its value. */
    public record Pat(String value, TokenState state) {}

    Pat pat(
            IdentityState.UserState owner,
            Set<String> scopes,
            Duration lifetime,
            List<io.patgate.domain.Cidr> networks) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        String value = signedPat(id, owner, now.plus(lifetime));
        TokenState token = new TokenState(
                id, owner.id(), scopes, networks, now, now.plus(lifetime), null, digest(value), null, null, 1);
        state.putToken(token);
        return new Pat(value, token);
    }

    public Pat pat(IdentityState.UserState owner, String... scopes) {
        return pat(owner, Set.of(scopes), Duration.ofDays(30), List.of());
    }

    /** A PAT value signed for {@code id}, whatever memory holds. */
    String signedPat(UUID id, IdentityState.UserState owner, Instant expiresAt) {
        return signer.sign(
                TokenSigner.PAT_TYPE,
                id,
                owner.id(),
                owner.username(),
                clock.instant(),
                expiresAt,
                UUID.randomUUID().toString());
    }

    /** Replaces a held token (a revocation, a regeneration), as the change feed would. */
    void replace(TokenState token) {
        state.putToken(token);
    }

    String session(IdentityState.UserState user) {
        Instant now = clock.instant();
        return signer.sign(
                TokenSigner.SESSION_TYPE,
                UUID.randomUUID(),
                user.id(),
                user.username(),
                now,
                now.plus(config.session().lifetime()));
    }

    /** A service account's exchanged token, with its trust entry held; returns the token and the entry's id. */
    Map.Entry<String, WorkloadTrust> exchanged(IdentityState.UserState account, String... scopes) {
        Instant now = clock.instant();
        WorkloadTrust trust = new WorkloadTrust(
                UUID.randomUUID(),
                account.id(),
                "https://issuer.example",
                "patgate",
                "system:*",
                Map.of(),
                3600,
                null,
                now,
                false,
                1);
        trusts.apply(trust);
        String token = signer.signExchange(
                UUID.randomUUID(),
                account.id(),
                account.username(),
                now,
                now.plusSeconds(600),
                List.of(scopes),
                trust.id());
        return Map.entry(token, trust);
    }

    /** How many checks ended with this kind and outcome. */
    double counted(CheckMetrics.Kind kind, CheckMetrics.Outcome outcome) {
        return registry.get("patgate.checks")
                .tag("kind", kind.label)
                .tag("outcome", outcome.label)
                .counter()
                .count();
    }

    double countedInAll() {
        return registry.get("patgate.checks").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
