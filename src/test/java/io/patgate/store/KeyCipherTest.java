package io.patgate.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

/** Private keys at rest: only the right secret, for the right row, opens them. No Quarkus, no database. */
class KeyCipherTest {

    private final KeyCipher cipher = new KeyCipher("a-secret-of-at-least-thirty-two-characters", new SecureRandom());

    private static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    @Test
    void aSealedKeyOpensWithItsSecretAndKid() throws Exception {
        KeyPair pair = p256();
        byte[] sealed = cipher.seal("kid-1", pair.getPrivate().getEncoded());
        assertArrayEquals(
                pair.getPrivate().getEncoded(), cipher.open("kid-1", sealed).getEncoded());
        assertTrue(
                new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)
                                .indexOf(new String(
                                        pair.getPrivate().getEncoded(), java.nio.charset.StandardCharsets.ISO_8859_1))
                        < 0,
                "nothing of the key in clear");
    }

    @Test
    void anotherSecretAnotherRowOrATamperedByteOpensNothing() throws Exception {
        byte[] sealed = cipher.seal("kid-1", p256().getPrivate().getEncoded());
        IllegalStateException wrongSecret = assertThrows(
                IllegalStateException.class,
                () -> new KeyCipher("another-secret-of-thirty-two-characters", new SecureRandom())
                        .open("kid-1", sealed));
        assertTrue(wrongSecret.getMessage().contains("patgate.keys.encryption-secret"), wrongSecret.getMessage());
        assertThrows(IllegalStateException.class, () -> cipher.open("kid-2", sealed), "moved to another row");
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(IllegalStateException.class, () -> cipher.open("kid-1", tampered));
        assertThrows(IllegalStateException.class, () -> cipher.open("kid-1", new byte[] {1, 2, 3}));
    }
}
