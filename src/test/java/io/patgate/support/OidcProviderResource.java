package io.patgate.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * The organisation's OpenID provider of every test: one mock-oauth2-server per test JVM on port {@link #PORT}, issuer
 * {@code http://localhost:8089/sso} (the {@code %test.patgate.oidc.*} settings point at it). Its interactive login
 * form takes a username and the claims (JSON) of each sign-in, so a browser or an HTTP client choosing them needs no
 * handle on this object, whichever class loader a test runs in. It enforces PKCE (the verifier must match the
 * challenge), puts the authorization request's nonce in the ID token and takes each code once.
 *
 * <p>Like {@link EmbeddedPostgresResource}: {@code GLOBAL}, started once and kept across test profiles (a new instance
 * from a new class loader finds the port taken and leaves it), stopped with the JVM.
 */
@WithTestResource(value = OidcProviderResource.class, scope = TestResourceScope.GLOBAL)
public class OidcProviderResource implements QuarkusTestResourceLifecycleManager {

    public static final int PORT = 8089;
    public static final String ISSUER = "http://localhost:" + PORT + "/sso";
    private static final String STARTED = "mock-oauth2-server.patgate.started";

    @Override
    public synchronized Map<String, String> start() {
        if (System.getProperty(STARTED) == null || !listening()) {
            MockOAuth2Server server =
                    new MockOAuth2Server(OAuth2Config.Companion.fromJson("{\"interactiveLogin\": true}"));
            server.start(PORT);
            Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "mock-oauth2-server-stop"));
            System.setProperty(STARTED, "true");
        }
        return Map.of();
    }

    private static boolean listening() {
        try (Socket ignored = new Socket("localhost", PORT)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void stop() {
        // kept for the next test profile; goes with the JVM
    }
}
