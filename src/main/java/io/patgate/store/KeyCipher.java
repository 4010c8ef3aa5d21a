package io.patgate.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encryption of private signing keys at rest: AES-256-GCM under a key derived (PBKDF2-HMAC-SHA256, a
 * fresh salt per row) from {@code patgate.keys.encryption-secret}, with the {@code kid} as associated
 * data so a ciphertext cannot be moved to another row. A database dump alone signs nothing.
 *
 * <p>Stored as {@code version (1) | salt (16) | iv (12) | ciphertext and tag}.
 */
final class KeyCipher {

    private static final byte FORMAT_V1 = 1;
    private static final int SALT_BYTES = 16;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int PBKDF2_ITERATIONS = 210_000;

    private final String secret;
    private final SecureRandom random;

    KeyCipher(String secret, SecureRandom random) {
        this.secret = secret;
        this.random = random;
    }

    byte[] seal(String kid, byte[] plain) {
        byte[] salt = new byte[SALT_BYTES];
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(salt);
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, deriveKey(salt), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(1 + SALT_BYTES + IV_BYTES + sealed.length)
                    .put(FORMAT_V1)
                    .put(salt)
                    .put(iv)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not encrypt", e);
        }
    }

    PrivateKey open(String kid, byte[] blob) {
        byte[] pkcs8 = openBytes(kid, blob, "signing key " + kid);
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not decrypt signing key " + kid, e);
        }
    }

    /** The plain bytes sealed under {@code aad}; {@code what} names them in errors. */
    byte[] openBytes(String aad, byte[] blob, String what) {
        try {
            ByteBuffer in = ByteBuffer.wrap(blob);
            if (blob.length <= 1 + SALT_BYTES + IV_BYTES || in.get() != FORMAT_V1) {
                throw new IllegalStateException("The " + what + " is stored in an unknown format");
            }
            byte[] salt = new byte[SALT_BYTES];
            byte[] iv = new byte[IV_BYTES];
            in.get(salt).get(iv);
            byte[] sealed = new byte[in.remaining()];
            in.get(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, deriveKey(salt), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("patgate.keys.encryption-secret does not decrypt the " + what
                    + ": it is not the secret it was stored under");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not decrypt the " + what, e);
        }
    }

    private SecretKeySpec deriveKey(byte[] salt) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, PBKDF2_ITERATIONS, 256);
        try {
            byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
            return new SecretKeySpec(key, "AES");
        } finally {
            spec.clearPassword();
        }
    }
}
