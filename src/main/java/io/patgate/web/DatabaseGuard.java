package io.patgate.web;

import io.patgate.replica.DatabaseStatus;
import io.patgate.replica.StateSync;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * While the database is known to be away, API requests that need it are answered 503 at once rather
 * than waiting on a connection that will not come. {@code GET /api/v1/me} and {@code /auth/verify} are
 * answered from memory and stay up. Each refused request also starts a probe, so the service notices
 * the database is back within one round trip of its return.
 */
public class DatabaseGuard {

    private final DatabaseStatus database;
    private final StateSync sync;

    public DatabaseGuard(DatabaseStatus database, StateSync sync) {
        this.database = database;
        this.sync = sync;
    }

    @ServerRequestFilter
    public Response refuseWhileDatabaseIsAway(ContainerRequestContext request) {
        if (database.isAvailable()) {
            return null;
        }
        String path = request.getUriInfo().getPath();
        if (!(path.startsWith("/api/") || path.startsWith("/scim/")) || "/api/v1/me".equals(path)) {
            return null;
        }
        // a probe: one reconciliation round (coalesced with any running); when it succeeds, the
        // database is marked up and the next request goes through
        sync.sync();
        return ProblemWriter.response(Problems.databaseUnavailable(
                "The database is unreachable; token checks go on, changes have to wait. Try again shortly"));
    }
}
