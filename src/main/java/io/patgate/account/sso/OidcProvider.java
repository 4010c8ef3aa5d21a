package io.patgate.account.sso;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The organisation's OpenID provider, spoken to with the Nimbus OIDC SDK: its discovery document (read once, again
 * after an hour, the last good one kept while it cannot be read), the authorization request (code flow, PKCE S256,
 * {@code state}, {@code nonce}), the token request, and the ID token's checks (signature by a key of its JWKS with an
 * algorithm it advertises, never {@code none} or HMAC; {@code iss}, {@code aud}, {@code exp}, {@code iat}, {@code nonce}).
 * Every method here blocks on the network: callers run them on a worker thread, each read bounded by the fetch timeout.
 */
public class OidcProvider {

    /** Why the provider could not be used: unreachable, or an answer patgate cannot accept. */
    public static class Failure extends Exception {
        private final boolean unavailable;

        Failure(String message, Throwable cause, boolean unavailable) {
            super(message, cause);
            this.unavailable = unavailable;
        }

        /** The provider could not be reached (or its documents read), rather than refusing or answering wrongly. */
        public boolean unavailable() {
            return unavailable;
        }
    }

    private static final Duration METADATA_MAX_AGE = Duration.ofHours(1);
    private static final Set<JWSAlgorithm> NEVER = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);

    private final SsoSettings settings;
    private final Clock clock;
    private final int timeoutMillis;

    private record Discovered(OIDCProviderMetadata metadata, IDTokenValidator validator, Instant readAt) {}

    private volatile Discovered discovered;

    public OidcProvider(SsoSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.timeoutMillis =
                (int) Math.min(Integer.MAX_VALUE, settings.fetchTimeout().toMillis());
    }

    /** The URL of the provider's authorization endpoint with this sign-in's request. */
    public URI authorizationRequest(State state, Nonce nonce, CodeVerifier verifier) throws Failure {
        OIDCProviderMetadata metadata = discover().metadata();
        return new AuthenticationRequest.Builder(
                        ResponseType.CODE,
                        new Scope("openid", "profile", "email"),
                        new ClientID(settings.clientId()),
                        settings.redirectUri())
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /** Trades the code for tokens and checks the ID token; its claims when it passes. */
    public IDTokenClaimsSet redeem(String code, CodeVerifier verifier, Nonce nonce) throws Failure {
        Discovered d = discover();
        TokenRequest request = new TokenRequest(
                d.metadata().getTokenEndpointURI(),
                clientAuthentication(d.metadata()),
                new AuthorizationCodeGrant(new AuthorizationCode(code), settings.redirectUri(), verifier));
        if (settings.clientSecret().isEmpty()) {
            request = new TokenRequest(
                    d.metadata().getTokenEndpointURI(),
                    new ClientID(settings.clientId()),
                    new AuthorizationCodeGrant(new AuthorizationCode(code), settings.redirectUri(), verifier));
        }
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout(timeoutMillis);
        http.setReadTimeout(timeoutMillis);
        http.setFollowRedirects(false);
        OIDCTokenResponse tokens;
        try {
            var response = OIDCTokenResponseParser.parse(http.send());
            if (!response.indicatesSuccess()) {
                var error = response.toErrorResponse().getErrorObject();
                throw new Failure(
                        "the provider refused the code: " + error.getCode() + " " + error.getDescription(),
                        null,
                        false);
            }
            tokens = (OIDCTokenResponse) response.toSuccessResponse();
        } catch (IOException e) {
            throw new Failure("the provider's token endpoint could not be reached: " + e.getMessage(), e, true);
        } catch (ParseException e) {
            throw new Failure(
                    "the provider's token answer is not an OpenID Connect token response: " + e.getMessage(), e, false);
        }
        JWT idToken = tokens.getOIDCTokens().getIDToken();
        if (idToken == null) {
            throw new Failure("the provider's token answer has no ID token", null, false);
        }
        try {
            return d.validator().validate(idToken, nonce);
        } catch (BadJOSEException | JOSEException e) {
            throw new Failure("the ID token was refused: " + e.getMessage(), e, false);
        }
    }

    /** client_secret_basic unless the provider says it takes only client_secret_post. */
    private ClientAuthentication clientAuthentication(OIDCProviderMetadata metadata) {
        ClientID id = new ClientID(settings.clientId());
        Secret secret = new Secret(settings.clientSecret().orElse(""));
        List<ClientAuthenticationMethod> methods = metadata.getTokenEndpointAuthMethods();
        if (methods != null
                && !methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                && methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
            return new ClientSecretPost(id, secret);
        }
        return new ClientSecretBasic(id, secret);
    }

    /** The provider's metadata and the ID token validator built on it, read again once an hour. */
    private Discovered discover() throws Failure {
        Discovered current = discovered;
        Instant now = clock.instant();
        if (current != null && current.readAt().plus(METADATA_MAX_AGE).isAfter(now)) {
            return current;
        }
        synchronized (this) {
            current = discovered;
            if (current != null && current.readAt().plus(METADATA_MAX_AGE).isAfter(now)) {
                return current;
            }
            try {
                discovered = read(now);
                return discovered;
            } catch (Failure e) {
                if (current != null) {
                    return current; // the provider's hiccup: keep what worked an hour ago
                }
                throw e;
            }
        }
    }

    private Discovered read(Instant now) throws Failure {
        OIDCProviderMetadata metadata;
        try {
            // checks that the document's issuer is the one configured (OpenID Connect Discovery 1.0 section 4.3)
            metadata = OIDCProviderMetadata.resolve(new Issuer(settings.issuer()), timeoutMillis, timeoutMillis);
        } catch (IOException e) {
            throw new Failure("the provider's discovery document could not be read: " + e.getMessage(), e, true);
        } catch (com.nimbusds.oauth2.sdk.GeneralException e) {
            throw new Failure("the provider's discovery document is not acceptable: " + e.getMessage(), e, false);
        }
        for (URI endpoint : new URI[] {
            metadata.getAuthorizationEndpointURI(), metadata.getTokenEndpointURI(), metadata.getJWKSetURI()
        }) {
            if (endpoint == null
                    || !("https".equals(endpoint.getScheme())
                            || (settings.allowInsecure() && "http".equals(endpoint.getScheme())))) {
                throw new Failure(
                        "the provider's discovery document lacks an https authorization, token or jwks endpoint: "
                                + endpoint,
                        null,
                        false);
            }
        }
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        if (metadata.getIDTokenJWSAlgs() != null) {
            metadata.getIDTokenJWSAlgs().stream()
                    .filter(a -> !"none".equals(a.getName()) && !NEVER.contains(a))
                    .forEach(algorithms::add);
        }
        if (algorithms.isEmpty()) {
            algorithms.add(
                    JWSAlgorithm
                            .RS256); // the algorithm every provider must support (OpenID Connect Core 1.0 section 15.1)
        }
        try {
            JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(
                            metadata.getJWKSetURI().toURL(),
                            new DefaultResourceRetriever(timeoutMillis, timeoutMillis, 262_144))
                    .build();
            IDTokenValidator validator = new IDTokenValidator(
                    metadata.getIssuer(),
                    new ClientID(settings.clientId()),
                    new JWSVerificationKeySelector<>(algorithms, keys),
                    null);
            validator.setMaxClockSkew((int) settings.clockSkew().toSeconds());
            return new Discovered(metadata, validator, now);
        } catch (IOException e) {
            throw new Failure("the provider's jwks_uri is not a URL: " + e.getMessage(), e, false);
        }
    }
}
