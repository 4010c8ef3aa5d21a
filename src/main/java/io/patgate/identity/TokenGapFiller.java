package io.patgate.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.patgate.domain.Refusal;
import io.patgate.domain.Throttle;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Judges tokens that are not in memory (created on another replica a moment ago, or outside the working set
 * of {@code patgate.state.max-tokens}) by one database read each: concurrent requests for the same token share
 * the read, a token held in memory is never read again, and a token that was not found is not looked up again
 * for {@code patgate.state.lookup-cool-down}. So a flood of validly signed unknown values costs one read per
 * value per cool-down. Only validly signed tokens get here; forged ones were refused before.
 *
 * <p>While a read runs, the change feed keeps the token current in memory ({@link IdentityState#reading}), and
 * the read lands only if nothing newer did, so a read that began before a revocation cannot undo it.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // patgate_token_reads_total exists from the start
public class TokenGapFiller {

    private static final Logger LOG = Logger.getLogger(TokenGapFiller.class);
    /** What a client is told to wait when a token cannot be read: about the time a database failover takes to be noticed. */
    private static final long RETRY_AFTER_SECONDS = 5;

    private final Instance<TokenLookup> lookup;
    private final IdentityState state;
    /**
     * A database that hangs must not hold a request: past {@code patgate.state.database-timeout} the token cannot
     * be checked ({@link Refusal#cannotCheck}, 503 with Retry-After): neither accepted nor called invalid.
     */
    private final Duration timeout;

    private final Map<UUID, Uni<Void>> inFlight = new ConcurrentHashMap<>();
    /** Tokens looked up lately and not found: bounded, each forgotten after {@code patgate.state.lookup-cool-down}. */
    private final Cache<UUID, Boolean> notFound;
    /** Database reads made to judge tokens not in memory; also {@code patgate_token_reads_total} in /q/metrics. */
    private final Counter reads;

    private static final Duration COLD_READ_WINDOW = Duration.ofMinutes(1);
    /**
     * Cold reads per client address (IPv6 by /64) in a fixed one-minute window: an entry lives a minute from the first
     * read it counts (counting does not write it again), bounded like the not-found cache.
     */
    private final Cache<String, AtomicInteger> coldReads;

    private final int coldReadsPerAddress;
    private final Counter throttled;

    public TokenGapFiller(
            Instance<TokenLookup> lookup,
            IdentityState state,
            io.patgate.config.PatgateConfig config,
            MeterRegistry metrics) {
        this.reads = Counter.builder("patgate.token.reads")
                .description("Database reads made to judge tokens outside this replica's working set")
                .register(metrics);
        this.throttled = Counter.builder("patgate.token.reads.throttled")
                .description(
                        "Checks refused because their client address made too many reads of tokens outside the working set")
                .register(metrics);
        this.coldReadsPerAddress = config.state().coldReadsPerAddress();
        this.coldReads = Caffeine.newBuilder()
                .maximumSize(config.state().maxRememberedLookups())
                .expireAfterWrite(COLD_READ_WINDOW)
                .build();
        this.lookup = lookup;
        this.state = state;
        this.timeout = config.state().databaseTimeout();
        this.notFound = Caffeine.newBuilder()
                .maximumSize(config.state().maxRememberedLookups())
                .expireAfterWrite(config.state().lookupCoolDown())
                .build();
    }

    /**
     * Reads {@code tokenId} into memory unless it is there already or was not found lately. A client address that has
     * made {@code patgate.state.cold-reads-per-address} reads within a minute waits ({@link Refusal#throttled}, 429):
     * one client cycling through many tokens outside the working set cannot turn its requests into database reads.
     *
     * @param clientAddress who presented the token, or null when there is no such client to hold to account
     */
    public Uni<Void> fill(UUID tokenId, String clientAddress) {
        if (state.token(tokenId) != null || notFound.getIfPresent(tokenId) != null) {
            // held: the value presented is simply not one of its live values; or known to be absent
            return Uni.createFrom().voidItem();
        }
        String client = clientAddress == null ? null : Throttle.addressKey(clientAddress);
        if (client != null && !inFlight.containsKey(tokenId)) {
            AtomicInteger made = coldReads.get(client, key -> new AtomicInteger());
            if (made.incrementAndGet() > coldReadsPerAddress) {
                throttled.increment();
                long age = coldReads
                        .policy()
                        .expireAfterWrite()
                        .flatMap(p -> p.ageOf(client))
                        .map(Duration::toSeconds)
                        .orElse(0L);
                return Uni.createFrom()
                        .failure(
                                Refusal.throttled(
                                        Math.max(1, COLD_READ_WINDOW.toSeconds() - age),
                                        "Too many tokens unknown to this replica presented from this address; try again later"));
            }
        }
        return inFlight.computeIfAbsent(
                tokenId,
                id -> Uni.createFrom()
                        .deferred(() -> {
                            long generation = state.reading(id);
                            reads.increment();
                            return lookup.get()
                                    .find(id)
                                    .ifNoItem()
                                    .after(timeout)
                                    .fail()
                                    .invoke(found -> {
                                        if (found == null) {
                                            notFound.put(id, Boolean.TRUE);
                                            return;
                                        }
                                        state.putUserIfAbsent(found.owner(), generation);
                                        state.putRead(found.token(), generation);
                                        LOG.debugf("Token %s read into memory", id);
                                    })
                                    .onTermination()
                                    .invoke(() -> state.doneReading(id));
                        })
                        .onFailure()
                        .invoke(e -> LOG.warnf("Could not read token %s: %s", id, e.toString()))
                        .onFailure()
                        .transform(e -> Refusal.cannotCheck(RETRY_AFTER_SECONDS))
                        .onTermination()
                        .invoke(() -> inFlight.remove(id))
                        .replaceWithVoid()
                        .memoize()
                        .indefinitely());
    }

    /** Forgets that a token was not found: this replica has just created it. */
    public void created(UUID tokenId) {
        notFound.invalidate(tokenId);
    }

    /** Database reads made to judge tokens not in memory, since start. */
    public long reads() {
        return (long) reads.count();
    }
}
