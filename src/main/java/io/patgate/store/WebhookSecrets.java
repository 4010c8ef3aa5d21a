package io.patgate.store;

import io.patgate.config.PatgateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Webhook secrets at rest: sealed like the signing keys ({@link KeyCipher}, under
 * {@code patgate.keys.encryption-secret}, the hook's id as associated data), so a database dump cannot forge a
 * delivery. Sealing and opening are deliberately slow (PBKDF2): call them off the event loop. An opened secret is
 * remembered while its sealed form is unchanged, so a delivery does not pay for it each time: the last two of each hook,
 * which are its current secret and, after a change, the one it replaced (both sign deliveries during the overlap).
 */
@ApplicationScoped
public class WebhookSecrets {

    private record Opened(byte[] sealed, String secret) {}

    private final PatgateConfig config;
    private final SecureRandom random = new SecureRandom();
    private final Map<UUID, List<Opened>> opened = new ConcurrentHashMap<>();

    public WebhookSecrets(PatgateConfig config) {
        this.config = config;
    }

    public byte[] seal(UUID webhookId, String secret) {
        return cipher().seal(aad(webhookId), secret.getBytes(StandardCharsets.UTF_8));
    }

    public String open(UUID webhookId, byte[] sealed) {
        for (Opened known : opened.getOrDefault(webhookId, List.of())) {
            if (Arrays.equals(known.sealed(), sealed)) {
                return known.secret();
            }
        }
        String secret = new String(
                cipher().openBytes(aad(webhookId), sealed, "secret of webhook " + webhookId), StandardCharsets.UTF_8);
        Opened now = new Opened(sealed.clone(), secret);
        // this one and the most recent other: opening the current and the previous secret in turn evicts neither
        opened.merge(webhookId, List.of(now), (known, added) -> List.of(now, known.get(0)));
        return secret;
    }

    /** Forgets a deleted hook's secret. */
    public void forget(UUID webhookId) {
        opened.remove(webhookId);
    }

    private static String aad(UUID webhookId) {
        return "webhook:" + webhookId;
    }

    private KeyCipher cipher() {
        return new KeyCipher(
                config.keys()
                        .encryptionSecret()
                        .orElseThrow(() -> new IllegalStateException("patgate.keys.encryption-secret is not set")),
                random);
    }
}
