package io.patgate.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.junit.jupiter.api.Test;

/**
 * Which keys may verify subject tokens: an issuer's published set is read leniently (what is unusable is skipped),
 * a trust's inline set strictly (what is unusable is an error the trust API answers 400 with).
 */
class VerificationKeysTest {

    private static final RSAKey RSA = Tokens.rsa("r1");

    private static String message(String json) {
        return assertThrows(IllegalArgumentException.class, () -> VerificationKeys.inline(json))
                .getMessage();
    }

    @Test
    void aGoodInlineSetIsTaken() {
        VerificationKeys keys = VerificationKeys.inline(Tokens.jwks(RSA, Tokens.ec("e1"), Tokens.ed25519("o1")));
        assertEquals(java.util.List.of("r1", "e1", "o1"), keys.kids());
    }

    @Test
    void anInlineSetWithAPrivateOrSymmetricKeyIsRefused() {
        assertTrue(message(new JWKSet(RSA).toString(false))
                .contains("key r1 holds a private key; give only the public key"));
        String oct =
                "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]}";
        assertTrue(message(oct).contains("key s is of a type not accepted (oct)"), message(oct));
    }

    @Test
    void anInlineSetWithAKeyNotForSignaturesIsRefused() throws Exception {
        RSAKey enc = new RSAKey.Builder(RSA.toRSAPublicKey())
                .keyID("enc")
                .keyUse(KeyUse.ENCRYPTION)
                .build();
        assertTrue(message(new JWKSet(enc).toString()).contains("key enc is not for signatures (use enc)"));
    }

    @Test
    void shortRsaKeysAndOtherCurvesAreRefused() throws Exception {
        RSAKey small = new RSAKeyGenerator(1024, true).keyID("small").generate();
        assertTrue(message(new JWKSet(small.toPublicJWK()).toString()).contains("shorter than 2048 bits"));
        // secp256k1 (ES256K), its generator point: not a curve we take (and not one this JDK has)
        String k1 =
                "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"kid\":\"k1\",\"x\":\"eb5mfvncu6xVoGKVzocLBwKb_NstzijZWfKBWxb4F5g\",\"y\":\"SDradyajxGVdpPv8DhEIqP0XtEimhVQZnEfQj_sQ1Lg\"}]}";
        String refused = message(k1);
        assertTrue(refused.contains("curve not accepted") || refused.contains("cannot be read"), refused);
    }

    @Test
    void emptyOrMalformedInlineSetsAreRefused() {
        assertTrue(message("{\"keys\":[]}").contains("holds no key"));
        assertTrue(message("{}").contains("is not a JWK set"));
        assertTrue(message("not json").contains("is not a JWK set"));
        assertTrue(message("{\"keys\":[\"x\"]}").contains("not a JSON object"));
    }

    @Test
    void aPublishedSetKeepsWhatItCanUse() throws Exception {
        RSAKey enc = new RSAKey.Builder(Tokens.rsa("enc").toRSAPublicKey())
                .keyID("enc")
                .keyUse(KeyUse.ENCRYPTION)
                .build();
        String published = "{\"keys\":[" + enc.toJSONString()
                + ",{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\"AAAA\"},{\"kty\":\"XYZ\",\"kid\":\"x\"},"
                + RSA.toPublicJWK().toJSONString() + "]}";
        VerificationKeys keys = VerificationKeys.published(published);
        assertEquals(java.util.List.of("r1"), keys.kids());
    }
}
