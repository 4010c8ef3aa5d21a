package io.patgate.exchange;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.patgate.config.OidcConfig;
import io.patgate.config.PatgateConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The signing keys of the outside issuers that trusts name, per issuer: read from the issuer's OpenID discovery
 * document ({@code <issuer>/.well-known/openid-configuration}, whose {@code issuer} must equal the configured one
 * exactly, OpenID Connect Discovery 1.0 section 4.3) and the key set at its {@code jwks_uri}, both through the
 * {@link DocumentFetcher} (request-forgery guard, timeout, size limit, no redirects).
 * <ul>
 * <li>Held in memory and shared by every exchange: a read costs one discovery and one JWKS request.</li>
 * <li>Read again when a token names a {@code kid} not held (the issuer rotated its key), at most once per
 *     {@code patgate.oidc.keys-refresh-floor} (30 s) per issuer, however many unknown kids arrive: a flood of made-up
 *     kids costs the issuer one request per floor. Concurrent exchanges share one read in flight.</li>
 * <li>Read again in the background on their first use after {@code keys-refresh-interval} (1 h); meanwhile, and
 *     while the issuer cannot be reached, the keys held serve, until they are {@code keys-max-age} (24 h) old: then
 *     they are dropped and the issuer's tokens are refused (invalid_grant) until a read succeeds.</li>
 * </ul>
 * Only issuers that some trust names are ever read (the verifier looks the trusts up first), so a token naming a
 * made-up issuer costs nothing here.
 */
@ApplicationScoped
public class IssuerKeys {

    private static final Logger LOG = Logger.getLogger(IssuerKeys.class);

    private final DocumentFetcher fetcher;
    private final Clock clock;
    private final Duration floor;
    private final Duration refreshInterval;
    private final Duration maxAge;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** What is known of one issuer: its keys and when they were read, the last attempt, and a read in flight. */
    private static final class Held {
        VerificationKeys keys;
        Instant readAt;
        Instant lastAttempt;
        Uni<VerificationKeys> reading;
    }

    @Inject
    public IssuerKeys(DocumentFetcher fetcher, PatgateConfig config) {
        this(fetcher, config, Clock.systemUTC());
    }

    public IssuerKeys(DocumentFetcher fetcher, PatgateConfig config, Clock clock) {
        this.fetcher = fetcher;
        this.clock = clock;
        OidcConfig oidc = config.oidc();
        this.floor = oidc.keysRefreshFloor();
        this.refreshInterval = oidc.keysRefreshInterval();
        this.maxAge = oidc.keysMaxAge();
    }

    /**
     * The issuer's keys, read first if none are held (or they aged out), or if {@code kid} (null: none named) is not
     * among them and the floor allows a read. When a read is not allowed or fails, the keys held, if still young
     * enough, are the answer (an unknown kid then stays unknown); with none, an {@link IssuerUnavailable}.
     */
    public Uni<VerificationKeys> keys(String issuer, String kid) {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            Held entry = held.computeIfAbsent(issuer, i -> new Held());
            synchronized (entry) {
                boolean young = entry.keys != null && entry.readAt.plus(maxAge).isAfter(now);
                boolean kidHeld = young && (kid == null || entry.keys.has(kid));
                boolean mayRead = entry.reading != null
                        || entry.lastAttempt == null
                        || !entry.lastAttempt.plus(floor).isAfter(now);
                if (kidHeld) {
                    if (mayRead && !entry.readAt.plus(refreshInterval).isAfter(now)) {
                        // old but good: serve them now, read anew behind this exchange's back
                        read(issuer, entry, now).subscribe().with(k -> {}, e -> {});
                    }
                    return Uni.createFrom().item(entry.keys);
                }
                if (!mayRead) {
                    if (young) {
                        return Uni.createFrom().item(entry.keys);
                    }
                    return Uni.createFrom()
                            .failure(new IssuerUnavailable(
                                    DocumentFetcher.safe(issuer) + ": no keys held, and the last read, at "
                                            + entry.lastAttempt + ", is less than " + floor.toSeconds() + " s ago"));
                }
                VerificationKeys fallback = young ? entry.keys : null;
                return read(issuer, entry, now)
                        .onFailure(IssuerUnavailable.class)
                        .recoverWithUni(e -> fallback == null
                                ? Uni.createFrom().failure(e)
                                : Uni.createFrom().item(fallback));
            }
        });
    }

    /** The read in flight for the issuer, or a new one; called holding the entry's lock. */
    private Uni<VerificationKeys> read(String issuer, Held entry, Instant now) {
        if (entry.reading != null) {
            return entry.reading;
        }
        entry.lastAttempt = now;
        Uni<VerificationKeys> reading = discover(issuer)
                .onItemOrFailure()
                .invoke((keys, failure) -> {
                    synchronized (entry) {
                        entry.reading = null;
                        if (failure == null) {
                            entry.keys = keys;
                            entry.readAt = clock.instant();
                            LOG.infof("Read the keys of issuer %s: %s", DocumentFetcher.safe(issuer), keys.kids());
                        } else {
                            LOG.warnf(
                                    "Could not read the keys of issuer %s: %s",
                                    DocumentFetcher.safe(issuer), failure.getMessage());
                        }
                    }
                })
                .memoize()
                .indefinitely();
        entry.reading = reading;
        return reading;
    }

    /** Discovery, then the key set it points to. */
    private Uni<VerificationKeys> discover(String issuer) {
        String wellKnown = (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                + "/.well-known/openid-configuration";
        return fetcher.get(wellKnown).chain(document -> {
            String jwksUri;
            try {
                Map<String, Object> metadata = JSONObjectUtils.parse(document);
                String named = JSONObjectUtils.getString(metadata, "issuer");
                if (!issuer.equals(named)) {
                    // section 4.3: a document for another issuer must not be used (it would let that issuer's keys sign
                    // for this one)
                    throw new IssuerUnavailable(DocumentFetcher.safe(wellKnown) + " names issuer "
                            + DocumentFetcher.safe(named) + ", not this one");
                }
                jwksUri = JSONObjectUtils.getString(metadata, "jwks_uri");
            } catch (ParseException e) {
                throw new IssuerUnavailable(DocumentFetcher.safe(wellKnown) + " is not a discovery document: "
                        + DocumentFetcher.safe(e.getMessage()));
            }
            if (jwksUri == null) {
                throw new IssuerUnavailable(DocumentFetcher.safe(wellKnown) + " has no jwks_uri");
            }
            return fetcher.get(jwksUri).map(jwks -> {
                try {
                    VerificationKeys keys = VerificationKeys.published(jwks);
                    if (keys.size() == 0) {
                        throw new IssuerUnavailable(
                                DocumentFetcher.safe(jwksUri) + " holds no key patgate can verify with");
                    }
                    return keys;
                } catch (ParseException e) {
                    throw new IssuerUnavailable(DocumentFetcher.safe(jwksUri) + " is not a JWK set: "
                            + DocumentFetcher.safe(e.getMessage()));
                }
            });
        });
    }
}
