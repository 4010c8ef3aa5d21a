package io.patgate.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * OpenID providers, in two roles. (1) Outside issuers whose tokens service accounts trust for the RFC 8693 exchange:
 * their discovery documents and key sets are read through the webhooks' request-forgery guard, with the limits below.
 * (2) The organisation's own provider people sign in to the web page through ({@link #issuer()} and the settings after
 * it; see docs/sso.md). {@link #allowInsecure()}, {@link #fetchTimeout()} and {@link #clockSkew()} apply to both.
 */
public interface OidcConfig {
    /**
     * Whether issuers (their discovery documents and {@code jwks_uri}) may be plain {@code http} and on loopback,
     * link-local or private addresses. For dev and tests only: off, an issuer must be {@code https} on a public address
     * (the sign-in provider, set by the operator, must be {@code https} but may sit on a private network).
     */
    @WithDefault("false")
    boolean allowInsecure();

    /** The longest a read of an issuer's discovery document or key set may take, connecting included. */
    @WithDefault("5S")
    Duration fetchTimeout();

    /** The largest discovery document or key set read; a larger answer is refused as soon as it is seen to be larger. */
    @WithDefault("262144")
    int maxDocumentBytes();

    /** At most one read of an issuer's keys this often (an unknown {@code kid} triggers one, a flood of them no more). */
    @WithDefault("30S")
    Duration keysRefreshFloor();

    /** Keys read this long ago are read again on their next use (in the background; the ones held serve meanwhile). */
    @WithDefault("1H")
    Duration keysRefreshInterval();

    /**
     * Keys read this long ago are no longer used: an issuer that cannot be reached for longer has its tokens
     * refused ({@code invalid_grant}) until it can be again.
     */
    @WithDefault("24H")
    Duration keysMaxAge();

    /** How far the clocks of patgate and an issuer may disagree when {@code exp}, {@code nbf} and {@code iat} are judged. */
    @WithDefault("30S")
    Duration clockSkew();

    /**
     * The issuer URL of the organisation's OpenID provider ({@code PATGATE_OIDC_ISSUER}), whose discovery document is
     * {@code <issuer>/.well-known/openid-configuration}. Unset (the default): no single sign-on.
     */
    Optional<String> issuer();

    /** The client id patgate is registered under at the provider. Required with {@link #issuer()}. */
    Optional<String> clientId();

    /** The client secret (sent as {@code client_secret_basic}, or {@code _post} if that is all the provider takes). Unset: a public client (PKCE only). */
    Optional<String> clientSecret();

    /** The provider's name on the sign-in page's button, {@code Sign in with <display name>}. */
    @WithDefault("single sign-on")
    String displayName();

    /** The ID token claim that gives the patgate username. */
    @WithDefault("preferred_username")
    String usernameClaim();

    /** The ID token claim (a list of strings, or one string) whose values become the account's roles at each sign-in. */
    @WithDefault("groups")
    String rolesClaim();

    /**
     * {@code group=role,...}: a group named here becomes the role it is mapped to (say {@code /patgate-admins=admin});
     * any other group becomes a role of its own name. Unset: every group as it is.
     */
    Optional<String> roleMapping();

    /**
     * The redirect URI registered at the provider. Default: {@code patgate.notices.public-url} followed by
     * {@code /auth/oidc/callback}. Never taken from a request's {@code Host}.
     */
    Optional<String> redirectUri();

    /**
     * {@link #allowInsecure()} for the sign-in provider alone. Unset (the default): the same as {@link #allowInsecure()}.
     * Lets tests and a dev machine run a plain-http provider while the exchange still insists on https.
     */
    Optional<Boolean> signInAllowInsecure();
}
