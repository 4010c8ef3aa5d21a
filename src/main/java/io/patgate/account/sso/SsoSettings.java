package io.patgate.account.sso;

import io.patgate.config.OidcConfig;
import io.patgate.config.PatgateConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The single sign-on's configuration, checked once at start: a deployment that names an issuer but not a client id or
 * a redirect URI fails to start with a sentence saying what to set, rather than failing each sign-in.
 */
public record SsoSettings(
        boolean enabled,
        String issuer,
        String clientId,
        Optional<String> clientSecret,
        URI redirectUri,
        String displayName,
        String usernameClaim,
        String rolesClaim,
        RoleMapping roles,
        boolean allowInsecure,
        Duration fetchTimeout,
        Duration clockSkew) {

    public static final String CALLBACK_PATH = "/auth/oidc/callback";

    public static SsoSettings of(PatgateConfig config) {
        OidcConfig oidc = config.oidc();
        boolean insecure = oidc.signInAllowInsecure().orElse(oidc.allowInsecure());
        Optional<String> issuer = oidc.issuer().map(String::trim).filter(s -> !s.isEmpty());
        if (issuer.isEmpty()) {
            return new SsoSettings(
                    false,
                    null,
                    null,
                    Optional.empty(),
                    null,
                    oidc.displayName(),
                    oidc.usernameClaim(),
                    oidc.rolesClaim(),
                    RoleMapping.parse(null),
                    insecure,
                    oidc.fetchTimeout(),
                    oidc.clockSkew());
        }
        URI issuerUri = URI.create(issuer.get());
        if (!"https".equals(issuerUri.getScheme()) && !(insecure && "http".equals(issuerUri.getScheme()))) {
            throw new IllegalStateException(
                    "PATGATE_OIDC_ISSUER must be an https URL (plain http only with PATGATE_OIDC_ALLOW_INSECURE=true, for dev and tests)");
        }
        String clientId = oidc.clientId()
                .filter(s -> !s.isBlank())
                .orElseThrow(
                        () -> new IllegalStateException(
                                "PATGATE_OIDC_ISSUER is set but PATGATE_OIDC_CLIENT_ID is not: set the client id registered at the provider"));
        String redirect = oidc.redirectUri()
                .filter(s -> !s.isBlank())
                .or(() -> config.notices()
                        .publicUrl()
                        .filter(s -> !s.isBlank())
                        .map(u -> u.replaceAll("/+$", "") + CALLBACK_PATH))
                .orElseThrow(() -> new IllegalStateException(
                        "Single sign-on needs patgate's address: set PATGATE_NOTICES_PUBLIC_URL "
                                + "(the redirect URI is then <it>" + CALLBACK_PATH + ") or PATGATE_OIDC_REDIRECT_URI"));
        return new SsoSettings(
                true,
                issuer.get(),
                clientId,
                oidc.clientSecret().filter(s -> !s.isEmpty()),
                URI.create(redirect),
                oidc.displayName(),
                oidc.usernameClaim(),
                oidc.rolesClaim(),
                RoleMapping.parse(oidc.roleMapping().orElse(null)),
                insecure,
                oidc.fetchTimeout(),
                oidc.clockSkew());
    }

    /** Whether the sign-in cookie needs {@code Secure}: whenever the page is served over https. */
    public boolean secureCookie() {
        return redirectUri != null && "https".equals(redirectUri.getScheme());
    }
}
