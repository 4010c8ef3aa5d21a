package io.patgate.store;

import io.patgate.config.PatgateConfig;
import io.patgate.identity.KeyRing;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * The signing keys at rest: created (once, under an advisory lock, however many replicas start), rotated,
 * listed, and loaded into the {@link KeyRing}. Private keys are stored only encrypted ({@link KeyCipher}).
 */
@ApplicationScoped
public class SigningKeyStore {

    private static final Logger LOG = Logger.getLogger(SigningKeyStore.class);
    /** Serialises key creation across replicas starting at the same moment. */
    private static final long KEY_LOCK = 0x7061_7467_6b65_7931L;

    private final Pool pool;
    private final PatgateConfig config;
    private final KeyRing ring;
    private final AuditEventRepository audit;
    private final SecureRandom random = new SecureRandom();

    public SigningKeyStore(Pool pool, PatgateConfig config, KeyRing ring, AuditEventRepository audit) {
        this.pool = pool;
        this.audit = audit;
        this.config = config;
        this.ring = ring;
    }

    /** Creates the first key when there is none, then loads every key into the {@link KeyRing}. */
    public Uni<Void> bootstrapAndLoad() {
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_advisory_xact_lock($1)")
                        .execute(Tuple.of(KEY_LOCK))
                        .chain(() -> conn.query("select count(*) from signing_key where active")
                                .execute())
                        .chain(rows -> rows.iterator().next().getLong(0) > 0
                                ? Uni.createFrom().voidItem()
                                : insertNewKey(conn, Instant.now()).replaceWithVoid()))
                .chain(this::load);
    }

    /** A key as the admin API lists it. */
    @RegisterForReflection
    public record KeyInfo(
            String kid, String algorithm, Instant createdAt, boolean active, Instant signsFrom, Instant retiredAt) {}

    /**
     * How long a retired key stays published and accepted: as long as a token it signed may live. With
     * tokens that never expire allowed, that is forever.
     */
    private String verificationWindow() {
        if (config.tokens().allowNonExpiring()) {
            return "true";
        }
        long seconds =
                config.tokens().maxLifetime().plus(config.session().lifetime()).toSeconds();
        return "retired_at > now() - make_interval(secs => " + seconds + ")";
    }

    public Uni<List<KeyInfo>> list() {
        return pool.query(
                        "select kid, algorithm, created_at, active, signs_from, retired_at from signing_key order by created_at desc")
                .execute()
                .map(rows -> {
                    List<KeyInfo> out = new ArrayList<>();
                    for (Row row : rows) {
                        OffsetDateTime retired = row.getOffsetDateTime("retired_at");
                        out.add(new KeyInfo(
                                row.getString("kid"),
                                row.getString("algorithm"),
                                row.getOffsetDateTime("created_at").toInstant(),
                                row.getBoolean("active"),
                                row.getOffsetDateTime("signs_from").toInstant(),
                                retired == null ? null : retired.toInstant()));
                    }
                    return out;
                });
    }

    /**
     * Creates a new key, published in the JWKS at once, that signs from {@code patgate.keys.publish-ahead}
     * from now (or at once when {@code immediate}, after a leak); the key it replaces signs until then and
     * is retired at that instant, and goes on verifying (and stays in the JWKS) while tokens it signed may
     * still be alive. Other replicas load the new key through the change feed, and every replica switches at
     * the same instant. {@code olderThan}: rotate only if the newest key is older (the automatic rotation,
     * so that two replicas never rotate twice); null to rotate regardless.
     *
     * @return the new kid, or null when nothing was rotated
     */
    public Uni<String> rotate(java.time.Duration olderThan, java.util.function.Function<String, AuditEntry> event) {
        return rotate(olderThan, false, event).map(r -> r == null ? null : r.kid());
    }

    /** What a rotation made: the new key, and when it starts signing. */
    @RegisterForReflection
    public record Rotation(String kid, Instant signsFrom) {}

    /** @param event the audit event for a rotation, given its detail */
    public Uni<Rotation> rotate(
            java.time.Duration olderThan, boolean immediate, java.util.function.Function<String, AuditEntry> event) {
        Instant signsFrom = Instant.now()
                .plus(immediate ? java.time.Duration.ZERO : config.keys().publishAhead())
                .truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        String[] created = new String[1];
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_advisory_xact_lock($1)")
                        .execute(Tuple.of(KEY_LOCK))
                        .chain(() -> conn.query("select kid, created_at from signing_key where active")
                                .execute())
                        .chain(rows -> {
                            Row active =
                                    rows.iterator().hasNext() ? rows.iterator().next() : null;
                            if (olderThan != null
                                    && active != null
                                    && active.getOffsetDateTime("created_at")
                                            .toInstant()
                                            .isAfter(Instant.now().minus(olderThan))) {
                                return Uni.createFrom().voidItem();
                            }
                            String old = active == null ? null : active.getString("kid");
                            OffsetDateTime at = OffsetDateTime.ofInstant(signsFrom, ZoneOffset.UTC);
                            // the newest key, and any key still signing until a later instant, retire when the new one
                            // starts
                            // (a key still waiting for its turn never signs)
                            return conn.preparedQuery(
                                            "update signing_key set active = false, retired_at = $1 where active or retired_at > $1")
                                    .execute(Tuple.of(at))
                                    .chain(() -> insertNewKey(conn, signsFrom))
                                    .invoke(kid -> created[0] = kid)
                                    .chain(kid -> audit.append(
                                            conn,
                                            event.apply("new kid " + kid + ", signs from " + signsFrom
                                                    + (old == null ? "" : ", retired kid " + old))));
                        }))
                .chain(() -> created[0] == null ? Uni.createFrom().voidItem() : load())
                .map(ignored -> created[0] == null ? null : new Rotation(created[0], signsFrom));
    }

    public Uni<Void> load() {
        return pool.query(
                        "select kid, public_jwk, private_key_enc, active, signs_from, retired_at, retired_at > now() as signing from signing_key"
                                + " where active or retired_at is null or " + verificationWindow()
                                + " order by created_at desc")
                .execute()
                .map(rows -> {
                    List<KeyRing.VerificationKey> verification = new ArrayList<>();
                    List<KeyRing.Signer> signers = new ArrayList<>();
                    for (Row row : rows) {
                        String kid = row.getString("kid");
                        try {
                            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(row.getString("public_jwk"));
                            OffsetDateTime retiredAt =
                                    row.getBoolean("active") ? null : row.getOffsetDateTime("retired_at");
                            verification.add(new KeyRing.VerificationKey(
                                    kid,
                                    jwk.getPublicKey(),
                                    row.getString("public_jwk"),
                                    KeyRing.verifierFor(
                                            jwk.getPublicKey(), config.keys().issuer()),
                                    retiredAt == null ? null : retiredAt.toInstant()));
                        } catch (JoseException e) {
                            throw new IllegalStateException("Signing key " + kid + " has an unreadable public key", e);
                        }
                        // the newest key, and a key it has not yet replaced (retired in the future), can sign
                        if (row.getBoolean("active") || Boolean.TRUE.equals(row.getBoolean("signing"))) {
                            OffsetDateTime until = row.getOffsetDateTime("retired_at");
                            signers.add(new KeyRing.Signer(
                                    kid,
                                    cipher().open(
                                                    kid,
                                                    row.getBuffer("private_key_enc")
                                                            .getBytes()),
                                    row.getOffsetDateTime("signs_from").toInstant(),
                                    until == null ? null : until.toInstant()));
                        }
                    }
                    if (signers.isEmpty()) {
                        throw new IllegalStateException("No active signing key in the database");
                    }
                    ring.replace(signers, verification);
                    LOG.infof(
                            "Signing keys loaded: %d verification key(s), signing with kid %s",
                            verification.size(), ring.activeKid());
                    return null;
                });
    }

    private Uni<String> insertNewKey(SqlConnection conn, Instant signsFrom) {
        KeyPair pair = generate();
        String kid = newKid();
        String publicJwk;
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(pair.getPublic());
            jwk.setKeyId(kid);
            jwk.setAlgorithm(KeyRing.ALGORITHM);
            jwk.setUse("sig");
            publicJwk = jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
        byte[] sealed = cipher().seal(kid, pair.getPrivate().getEncoded());
        LOG.infof("Created signing key %s (%s)", kid, KeyRing.ALGORITHM);
        return conn.preparedQuery(
                        "insert into signing_key (kid, algorithm, public_jwk, private_key_enc, created_at, active, signs_from)"
                                + " values ($1, $2, $3, $4, $5, true, $6)")
                .execute(Tuple.of(
                        kid,
                        KeyRing.ALGORITHM,
                        publicJwk,
                        io.vertx.core.buffer.Buffer.buffer(sealed),
                        OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC),
                        OffsetDateTime.ofInstant(signsFrom, ZoneOffset.UTC)))
                .replaceWith(kid);
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 keys are not available in this JVM", e);
        }
    }

    private String newKid() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The private keys' cipher, from {@code patgate.keys.encryption-secret}. */
    private KeyCipher cipher() {
        return new KeyCipher(
                config.keys()
                        .encryptionSecret()
                        .orElseThrow(() -> new IllegalStateException("patgate.keys.encryption-secret is not set")),
                random);
    }
}
