package io.patgate.account;

import io.patgate.config.PatgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing (RFC 9106), stored as PHC strings
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}) so parameters can be raised later without
 * invalidating existing hashes. Slow on purpose: call it off the event loop. Its memory is bounded and given back
 * by {@link HashingPermits}.
 */
@ApplicationScoped
public class PasswordHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();
    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    /** Verified against when the username is unknown, so both failures take the same time. */
    private final String decoy;

    private final HashingPermits memory;

    @Inject
    public PasswordHasher(PatgateConfig config, HashingPermits memory) {
        this(
                config.password().memoryKib(),
                config.password().iterations(),
                config.password().parallelism(),
                memory);
    }

    PasswordHasher(int memoryKib, int iterations, int parallelism, HashingPermits memory) {
        this.memory = memory;
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
            throw new IllegalArgumentException(
                    "patgate.password.*: Argon2id needs iterations >= 1, parallelism >= 1, memory-kib >= 8 x parallelism");
        }
        byte[] noise = new byte[24];
        random.nextBytes(noise);
        this.decoy = hash(B64.encodeToString(noise));
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return new Phc(memoryKib, iterations, parallelism, salt, hash).format();
    }

    /**
     * Constant-time check of {@code password} against a stored PHC string; a null hash, or one of the markers of
     * accounts without a password (service, SSO and SCIM accounts: they start with {@code !}), checks against a decoy,
     * so how long a refusal takes tells nothing of what kind of account the name belongs to.
     * A stored string that is malformed, or asks for more work than {@link Phc}'s maxima (a corrupted or
     * planted row), never matches and never runs: it must not cost unbounded memory or time.
     */
    public boolean verify(String password, String phc) {
        boolean real = phc != null && !phc.startsWith("!");
        Optional<Phc> stored = Phc.parse(real ? phc : decoy);
        if (stored.isEmpty()) {
            return false;
        }
        Phc h = stored.get();
        byte[] actual = derive(password, h.salt(), h.memoryKib(), h.iterations(), h.parallelism(), h.hash().length);
        return MessageDigest.isEqual(h.hash(), actual) && real;
    }

    /** One Argon2id derivation, in its turn ({@link HashingPermits}): {@code m} KiB of heap while it runs. */
    private byte[] derive(String password, byte[] salt, int m, int t, int p, int length) {
        return memory.hash(() -> argon2id(password, salt, m, t, p, length));
    }

    private static byte[] argon2id(String password, byte[] salt, int m, int t, int p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m)
                .withIterations(t)
                .withParallelism(p)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
