package io.patgate.account;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Stored hashes are data: a corrupted or planted one never matches and never costs unbounded work. No Quarkus. */
class PasswordHashTest {

    private static final String SALT = "c2FsdHNhbHRzYWx0c2FsdA";
    private static final String HASH = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
    /** The test profile's cost (patgate.password.* in %test): cheap, and still real Argon2id. */
    private final PasswordHasher hasher = new PasswordHasher(
            8192,
            1,
            1,
            new HashingPermits(Integer.MAX_VALUE, java.time.Duration.ZERO, io.patgate.runtime.HeapRelease.never()));

    @Test
    void aHashAskingForAbsurdWorkNeverRuns() {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=2147483647,t=1,p=1$" + SALT + "$" + HASH));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=65536,t=100000,p=1$" + SALT + "$" + HASH));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=65536,t=1,p=4096$" + SALT + "$" + HASH));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=-1,t=1,p=1$" + SALT + "$" + HASH));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=x,t=1,p=1$" + SALT + "$" + HASH));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=8192,t=1,p=1$!!!$" + HASH));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=8192,t=1,p=1$" + SALT + "$" + "A".repeat(100_000)));
        });
        String real = hasher.hash("the password");
        assertTrue(hasher.verify("the password", real));
        assertFalse(hasher.verify("another password", real));
    }

    @Test
    void anUnknownUserIsCheckedAgainstADecoyAndNeverMatches() {
        assertFalse(hasher.verify("", null));
        assertFalse(hasher.verify("anything", null));
    }

    @Test
    void phcStringsRoundTripAndRefuseEveryOtherShape() {
        Phc parsed =
                Phc.parse("$argon2id$v=19$m=19456,t=2,p=1$" + SALT + "$" + HASH).orElseThrow();
        assertEquals(19456, parsed.memoryKib());
        assertEquals(2, parsed.iterations());
        assertEquals(1, parsed.parallelism());
        assertEquals("$argon2id$v=19$m=19456,t=2,p=1$" + SALT + "$" + HASH, parsed.format());
        assertArrayEquals(
                parsed.hash(), Phc.parse(parsed.format()).orElseThrow().hash());
        for (String hostile : new String[] {
            "",
            "$",
            "plain-text-password",
            "$argon2i$v=19$m=8192,t=1,p=1$" + SALT + "$" + HASH, // another Argon2 variant
            "$argon2id$v=16$m=8192,t=1,p=1$" + SALT + "$" + HASH, // another version
            "x$argon2id$v=19$m=8192,t=1,p=1$" + SALT + "$" + HASH, // something before the first $
            "$argon2id$v=19$m=8192,t=1,p=1,k=2$" + SALT + "$" + HASH, // an unknown parameter
            "$argon2id$v=19$m=8192,t=1$" + SALT + "$" + HASH + "$x", // six parts, but not these
            "$argon2id$v=19$m=16,t=1,p=4$" + SALT + "$" + HASH, // less than 8 KiB a lane
            "$argon2id$v=19$m=8192,t=0,p=1$" + SALT + "$" + HASH, // no pass at all
            "$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$" + HASH, // a 4-byte salt
            "$argon2id$v=19$m=8192,t=1,p=1$" + SALT + "$aGFzaA", // a 4-byte hash
            "$argon2id$v=19$m=٨١٩٢,t=1,p=1$" + SALT + "$" + HASH, // digits, but not ASCII ones
        }) {
            assertTrue(Phc.parse(hostile).isEmpty(), hostile + " is no PHC string we accept");
        }
    }
}
