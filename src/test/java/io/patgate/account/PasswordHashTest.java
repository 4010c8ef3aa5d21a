package io.patgate.account;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stored hashes are data: a corrupted or planted one never matches and never costs unbounded work. */
@QuarkusTest
class PasswordHashTest {

    @Inject
    PasswordHasher hasher;

    @Test
    void aHashAskingForAbsurdWorkNeverRuns() {
        String salt = "c2FsdHNhbHRzYWx0c2FsdA";
        String hash = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=2147483647,t=1,p=1$" + salt + "$" + hash));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=65536,t=100000,p=1$" + salt + "$" + hash));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=65536,t=1,p=4096$" + salt + "$" + hash));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=-1,t=1,p=1$" + salt + "$" + hash));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=x,t=1,p=1$" + salt + "$" + hash));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=8192,t=1,p=1$!!!$" + hash));
            assertFalse(hasher.verify("anything", "$argon2id$v=19$m=8192,t=1,p=1$" + salt + "$" + "A".repeat(100_000)));
        });
        String real = hasher.hash("the password");
        assertTrue(hasher.verify("the password", real));
        assertFalse(hasher.verify("another password", real));
    }
}
