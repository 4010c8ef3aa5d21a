package io.patgate.replica;

import io.patgate.config.PatgateConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where the change-feed rounds and cold token reads go: the standby named by {@code patgate.datasource.read-url},
 * or the primary when none is. One standby per replica, not a balanced set of them: the freshness bound relies on
 * each later read seeing at least what the round before it saw, which one standby's replay gives and a balancer
 * across standbys does not.
 */
@ApplicationScoped
public class ReadPool {

    private final Pool primary;
    private final Pool reads;

    public ReadPool(
            Pool primary,
            Vertx vertx,
            PatgateConfig config,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
            @ConfigProperty(name = "quarkus.datasource.reactive.max-size", defaultValue = "20") int maxSize) {
        this.primary = primary;
        Optional<String> url = config.datasource().readUrl().filter(u -> !u.isBlank());
        if (url.isEmpty()) {
            this.reads = primary;
            return;
        }
        PgConnectOptions options = PgConnectOptions.fromUri(url.get());
        if (options.getUser() == null
                || options.getUser().isEmpty()
                || url.get().indexOf('@') < 0) {
            username.ifPresent(options::setUser);
            password.ifPresent(options::setPassword);
        }
        this.reads = Pool.newInstance(PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(maxSize))
                .connectingTo(options)
                .using(vertx.getDelegate())
                .build());
    }

    /** The pool of the rounds and cold reads (the standby's, or the primary's). */
    public Pool reads() {
        return reads;
    }

    /** The primary's pool: the read of last resort before a token is called unknown. */
    public Pool primary() {
        return primary;
    }

    /** Whether reads go to a standby of their own. */
    public boolean separate() {
        return reads != primary;
    }

    @PreDestroy
    void close() {
        if (separate()) {
            reads.close().subscribe().with(ignored -> {}, e -> {});
        }
    }
}
