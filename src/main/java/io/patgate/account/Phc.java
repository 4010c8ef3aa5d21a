package io.patgate.account;

import java.util.Base64;
import java.util.Optional;

/**
 * An Argon2id hash in the PHC string format, {@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, read with
 * suspicion: a stored hash is data, and a corrupted or planted one must not ask for unbounded memory or
 * time. Pure: no hashing happens here.
 *
 * @param memoryKib   Argon2 memory cost in KiB
 * @param iterations  passes
 * @param parallelism lanes
 */
record Phc(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {

    /** The most a stored hash may ask of one check: 1 GiB, 64 passes, 64 lanes, a 64-byte hash, a 64-byte salt. */
    static final int MAX_MEMORY_KIB = 1 << 20;

    static final int MAX_ITERATIONS = 64;
    static final int MAX_PARALLELISM = 64;
    static final int MAX_BYTES = 64;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    String format() {
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** The hash {@code stored} describes, or empty when it is malformed or asks for more than the maxima above. */
    static Optional<Phc> parse(String stored) {
        String[] parts = stored.split("\\$");
        // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
        if (parts.length != 6 || !parts[0].isEmpty() || !"argon2id".equals(parts[1]) || !"v=19".equals(parts[2])) {
            return Optional.empty();
        }
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",")) {
            String[] pair = kv.split("=", 2);
            if (pair.length != 2
                    || pair[1].isEmpty()
                    || pair[1].length() > 9
                    || !pair[1].chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int value = Integer.parseInt(pair[1]);
            switch (pair[0]) {
                case "m" -> m = value;
                case "t" -> t = value;
                case "p" -> p = value;
                default -> {
                    return Optional.empty();
                }
            }
        }
        if (m < 8
                || m > MAX_MEMORY_KIB
                || t < 1
                || t > MAX_ITERATIONS
                || p < 1
                || p > MAX_PARALLELISM
                || m < 8 * p
                || parts[4].length() > MAX_BYTES * 2
                || parts[5].length() > MAX_BYTES * 2) {
            return Optional.empty();
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = B64D.decode(parts[4]);
            hash = B64D.decode(parts[5]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (salt.length < 8 || hash.length < 16 || hash.length > MAX_BYTES) {
            return Optional.empty();
        }
        return Optional.of(new Phc(m, t, p, salt, hash));
    }
}
