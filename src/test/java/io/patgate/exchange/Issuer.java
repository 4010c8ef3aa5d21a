package io.patgate.exchange;

import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * An OpenID issuer on this machine whose keys and behaviour a test changes: it serves its discovery document and
 * its key set over real HTTP (OkHttp's MockWebServer) and counts what it was asked. {@link #answer} replaces the
 * answer to a path (a slow one, a huge one, a redirect, another issuer's document).
 */
final class Issuer implements AutoCloseable {

    static final String DISCOVERY = "/oidc/.well-known/openid-configuration";
    static final String JWKS = "/oidc/jwks";

    private final MockWebServer server = new MockWebServer();
    private final AtomicReference<List<JWK>> keys = new AtomicReference<>(List.of());
    private final AtomicReference<Function<String, MockResponse>> override = new AtomicReference<>(path -> null);
    final AtomicInteger discoveries = new AtomicInteger();
    final AtomicInteger keyReads = new AtomicInteger();

    Issuer(JWK... keys) throws IOException {
        this.keys.set(List.of(keys));
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getPath();
                if (DISCOVERY.equals(path)) {
                    discoveries.incrementAndGet();
                } else if (JWKS.equals(path)) {
                    keyReads.incrementAndGet();
                }
                MockResponse replaced = override.get().apply(path);
                if (replaced != null) {
                    return replaced;
                }
                if (DISCOVERY.equals(path)) {
                    return json("{\"issuer\":\"" + url() + "\",\"jwks_uri\":\"" + server.url(JWKS) + "\","
                            + "\"response_types_supported\":[\"id_token\"],\"subject_types_supported\":[\"public\"],"
                            + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\",\"EdDSA\"]}");
                }
                if (JWKS.equals(path)) {
                    return json(Tokens.jwks(Issuer.this.keys.get().toArray(JWK[]::new)));
                }
                return new MockResponse().setResponseCode(404);
            }
        });
        server.start();
    }

    /** The issuer identifier: {@code http://localhost:<port>/oidc}. */
    String url() {
        String base = server.url("/oidc").toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    int port() {
        return server.getPort();
    }

    /** From now on the key set holds these keys (a rotation). */
    void publish(JWK... keys) {
        this.keys.set(List.of(keys));
    }

    /** From now on, a request for {@code path} gets {@code response} (null: the normal answer again). */
    void answer(String path, MockResponse response) {
        override.set(p -> p.equals(path) ? response : null);
    }

    static MockResponse json(String body) {
        return new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
