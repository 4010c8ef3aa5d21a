package io.patgate.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.patgate.domain.Refusal;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.junit.jupiter.api.Test;

/** The rules of a trust entry without a server: the few cases the HTTP tests cannot reach with the default configuration. */
class TrustRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String field(Runnable rule) {
        return assertThrows(Refusal.class, rule::run).errors().get(0).field();
    }

    @Test
    void plainHttpIssuersOnlyWhereInsecureIssuersAreAllowed() {
        assertEquals("issuer", field(() -> TrustRules.issuer("http://localhost:8080/default", false)));
        assertEquals("http://localhost:8080/default", TrustRules.issuer("http://localhost:8080/default", true));
        // never another scheme, and never without a host, whatever the setting
        assertEquals("issuer", field(() -> TrustRules.issuer("file:///etc/passwd", true)));
        assertEquals("issuer", field(() -> TrustRules.issuer("https:///no-host", true)));
        assertEquals("issuer", field(() -> TrustRules.issuer("https://issuer.example#fragment", true)));
        // kept as given: it is compared with the token's iss exactly
        assertEquals("https://gitlab.example.com/", TrustRules.issuer("https://gitlab.example.com/", false));
    }

    @Test
    void anEdDsaPublicKeyIsTrustedAndItsPrivateHalfRefused() throws Exception {
        var ed = OkpJwkGenerator.generateJwk("Ed25519");
        String trusted = TrustRules.jwks(
                JSON.valueToTree(Map.of("keys", List.of(ed.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)))));
        assertTrue(trusted.contains("\"crv\":\"Ed25519\""), trusted);
        assertEquals(
                "jwks.keys[0]",
                field(() -> TrustRules.jwks(JSON.valueToTree(
                        Map.of("keys", List.of(ed.toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE)))))));
        assertNull(TrustRules.jwks(null));
        // an encryption key is not a signing key
        Map<String, Object> encryption =
                new java.util.HashMap<>(ed.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        encryption.put("use", "enc");
        assertEquals(
                "jwks.keys[0]", field(() -> TrustRules.jwks(JSON.valueToTree(Map.of("keys", List.of(encryption))))));
    }

    @Test
    void claimPatternsAreKeptSortedAndBindingIsRequired() {
        assertEquals(
                List.of("environment", "repository"),
                List.copyOf(TrustRules.claims(Map.of("repository", "acme/app", "environment", "prod"))
                        .keySet()));
        assertEquals("subject", field(() -> TrustRules.requireBinding(null, Map.of())));
        assertEquals("subject", field(() -> TrustRules.requireBinding("*", Map.of("ref", "**"))));
        TrustRules.requireBinding(null, Map.of("ref", "refs/heads/*"));
        TrustRules.requireBinding("system:serviceaccount:jobs:*", Map.of());
        assertEquals(900, TrustRules.maxTtl(null));
        assertEquals(60, TrustRules.maxTtl(60));
        assertEquals(3600, TrustRules.maxTtl(3600));
    }
}
