package io.patgate.account.sso;

import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import io.patgate.account.AuthService;
import io.patgate.account.UserService;
import io.patgate.audit.AuditService;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.AuditAction;
import io.patgate.domain.Refusal;
import io.patgate.identity.IdentityState;
import io.patgate.store.SsoHandoff;
import io.patgate.store.SsoLogin;
import io.patgate.store.SsoRepository;
import io.patgate.store.Transactions;
import io.patgate.store.UserRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Single sign-on through the organisation's OpenID provider, from the button to a session. The sign-in under way (state,
 * nonce, PKCE verifier, return path) is a database row keyed by the state's digest and bound to the browser by the digest
 * of an HttpOnly cookie: any replica can finish it, it is taken once, and a state from another browser (login CSRF, a
 * code injected into someone's browser) is refused. A successful callback leaves a one-time code the page trades for a
 * session by POST, so the session token never travels in a URL.
 */
@ApplicationScoped
public class SsoService {

    private static final Logger LOG = Logger.getLogger(SsoService.class);

    /** The sign-in cookie: random, HttpOnly, SameSite=Lax (it must come along on the provider's top-level redirect back). */
    public static final String COOKIE = "patgate_sso";

    public static final Duration LOGIN_LIFETIME = Duration.ofMinutes(10);
    static final Duration HANDOFF_LIFETIME = Duration.ofMinutes(2);
    private static final Pattern COOKIE_VALUE = Pattern.compile("^[A-Za-z0-9_-]{43}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SsoSettings settings;
    private final OidcProvider provider;
    private final boolean passwords;
    private final SsoRepository rows;
    private final UserRepository users;
    private final SsoAccounts accounts;
    private final AuthService auth;
    private final AuditService audit;
    private final Transactions transactions;
    private final IdentityState state;
    private final Vertx vertx;

    /** Where the provider is sent, and the cookie to set (null when the browser's own is still good). */
    public record Started(URI location, String newCookie) {}

    public SsoService(
            PatgateConfig config,
            SsoRepository rows,
            UserRepository users,
            SsoAccounts accounts,
            AuthService auth,
            AuditService audit,
            Transactions transactions,
            IdentityState state,
            Vertx vertx) {
        this.settings = SsoSettings.of(config);
        this.provider = settings.enabled() ? new OidcProvider(settings, Clock.systemUTC()) : null;
        this.passwords = config.login().passwords();
        this.rows = rows;
        this.users = users;
        this.accounts = accounts;
        this.auth = auth;
        this.audit = audit;
        this.transactions = transactions;
        this.state = state;
        this.vertx = vertx;
    }

    public SsoSettings settings() {
        return settings;
    }

    public SsoViews.SignInOptions options() {
        return new SsoViews.SignInOptions(
                settings.enabled(),
                settings.enabled() ? settings.displayName() : null,
                settings.enabled() ? "/auth/oidc/start" : null,
                passwords);
    }

    /** Begins a sign-in: the provider's authorization URL, with this sign-in's state stored and bound to the browser. */
    public Uni<Started> start(String returnTo, String cookie) {
        if (!settings.enabled()) {
            return Uni.createFrom()
                    .failure(new SsoException(SsoError.NOT_CONFIGURED, "single sign-on is not configured"));
        }
        boolean reuse = cookie != null && COOKIE_VALUE.matcher(cookie).matches();
        String browser = reuse ? cookie : random();
        State st = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        Instant now = Instant.now();
        SsoLogin login = new SsoLogin();
        login.stateDigest = digest(st.getValue());
        login.browserDigest = digest(browser);
        login.nonce = nonce.getValue();
        login.codeVerifier = verifier.getValue();
        login.returnTo = ReturnPath.of(returnTo);
        login.expiresAt = now.plus(LOGIN_LIFETIME);
        return blocking(() -> provider.authorizationRequest(st, nonce, verifier))
                .call(uri -> transactions.write(() -> rows.begin(login, now)))
                .map(uri -> new Started(uri, reuse ? null : browser));
    }

    /**
     * The provider's answer: where the browser goes next, the sign-in page with either a one-time handoff code or the
     * reason it failed, both in the fragment. Every outcome is audited.
     */
    public Uni<String> callback(String code, String stateValue, String error, String cookie, String clientAddress) {
        if (!settings.enabled()) {
            return Uni.createFrom()
                    .item(failed(new SsoException(SsoError.NOT_CONFIGURED, "single sign-on is not configured")));
        }
        if (stateValue == null || stateValue.isEmpty() || stateValue.length() > 512) {
            return refuse(new SsoException(SsoError.STATE, "no state"), clientAddress);
        }
        Instant now = Instant.now();
        return transactions
                .write(() -> rows.take(digest(stateValue), now))
                .chain(login -> {
                    if (login == null) {
                        throw new SsoException(SsoError.STATE, "unknown, expired or already used state");
                    }
                    if (cookie == null
                            || !MessageDigest.isEqual(
                                    digest(cookie).getBytes(StandardCharsets.US_ASCII),
                                    login.browserDigest.getBytes(StandardCharsets.US_ASCII))) {
                        throw new SsoException(SsoError.STATE, "the state was started in another browser");
                    }
                    if (error != null || code == null || code.isEmpty()) {
                        throw new SsoException(
                                SsoError.PROVIDER,
                                "the provider answered " + (error == null ? "without a code" : sanitize(error)));
                    }
                    return blocking(() ->
                                    provider.redeem(code, new CodeVerifier(login.codeVerifier), new Nonce(login.nonce)))
                            .chain(claims -> finish(claims, login.returnTo, clientAddress));
                })
                .onFailure(SsoException.class)
                .recoverWithUni(e -> refuse((SsoException) e, clientAddress));
    }

    private Uni<String> finish(IDTokenClaimsSet claims, String returnTo, String clientAddress) {
        String subject = claims.getSubject().getValue();
        Object named = claims.getClaim(settings.usernameClaim());
        String username = named instanceof String s ? s.trim() : null;
        if (!SsoAccounts.validUsername(username)) {
            throw new SsoException(
                    SsoError.USERNAME,
                    "claim " + settings.usernameClaim() + " of " + subject + " is not a usable username");
        }
        Set<String> roles = settings.roles().roles(RoleMapping.groups(claims.getClaim(settings.rolesClaim())));
        String handoff = random();
        return transactions
                .write(() -> accounts.resolve(settings.issuer(), subject, username, roles)
                        .chain(outcome -> {
                            if (outcome.user() == null) {
                                throw new SsoException(
                                        outcome.error(), outcome.detail() + " (" + username + ", " + subject + ")");
                            }
                            SsoHandoff row = new SsoHandoff();
                            row.codeDigest = digest(handoff);
                            row.userId = outcome.user().id;
                            row.returnTo = returnTo;
                            row.expiresAt = Instant.now().plus(HANDOFF_LIFETIME);
                            return rows.handOff(row, Instant.now())
                                    .call(() -> audit.record(
                                            outcome.user().username,
                                            AuditAction.LOGIN_SUCCEEDED,
                                            outcome.user().id,
                                            outcome.user().username,
                                            null,
                                            "method sso, from " + clientAddress))
                                    .replaceWith(outcome);
                        }))
                .invoke(outcome -> {
                    if (outcome.rolesChanged()) {
                        // committed: every replica's check sees the new roles (this one at once, the others by the
                        // change feed)
                        state.putUser(UserService.toState(outcome.user()));
                    }
                    LOG.infof("Single sign-on of user %s (%s)", outcome.user().id, outcome.user().username);
                })
                .map(outcome -> "/signin#sso=" + handoff);
    }

    private Uni<String> refuse(SsoException e, String clientAddress) {
        LOG.infof("Single sign-on refused (%s) from %s: %s", e.error().code(), clientAddress, e.getMessage());
        return transactions
                .write(() -> audit.record(
                        SsoAccounts.ACTOR,
                        AuditAction.LOGIN_FAILED,
                        null,
                        null,
                        null,
                        "method sso, " + e.error().code() + ": " + sanitize(e.getMessage())))
                .map(ignored -> failed(e))
                .onFailure()
                .recoverWithItem(failed(e));
    }

    /** The sign-in page, told why. */
    public static String failed(SsoException e) {
        return "/signin#sso-error=" + e.error().code();
    }

    /** The page trades the handoff code for the session, once. */
    public Uni<SsoViews.Session> collect(String code) {
        Instant now = Instant.now();
        return transactions
                .write(() -> rows.collect(digest(code), now)
                        .chain(handoff -> handoff == null
                                ? Uni.createFrom().<SsoViews.Session>nullItem()
                                : users.findLive(handoff.userId)
                                        .map(user -> user == null || user.disabled || user.isService()
                                                ? null
                                                : toView(auth.open(user), handoff.returnTo))))
                .invoke(session -> {
                    if (session == null) {
                        throw Refusal.unauthenticated(
                                "This sign-in was already completed or has expired: sign in again");
                    }
                });
    }

    private static SsoViews.Session toView(io.patgate.account.UserRequests.Session session, String returnTo) {
        return new SsoViews.Session(session.token(), session.expiresAt(), returnTo);
    }

    /** Runs a call to the provider on a worker thread (it blocks on the network, within the fetch timeout). */
    private <T> Uni<T> blocking(Call<T> call) {
        return vertx.executeBlocking(
                Uni.createFrom().item(() -> {
                    try {
                        return call.run();
                    } catch (OidcProvider.Failure f) {
                        throw new SsoException(f.unavailable() ? SsoError.UNAVAILABLE : SsoError.TOKEN, f.getMessage());
                    }
                }),
                false);
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws OidcProvider.Failure;
    }

    static String digest(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String sanitize(String value) {
        String cut = value.length() > 300 ? value.substring(0, 300) : value;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
