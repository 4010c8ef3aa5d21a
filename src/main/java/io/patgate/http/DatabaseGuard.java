package io.patgate.http;

import io.patgate.store.DatabaseStatus;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * While the database is known to be away, API requests that need it are answered 503 at once rather
 * than waiting on a connection that will not come. {@code GET /api/v1/me} and {@code /auth/verify} are
 * answered from memory and stay up. The status recovers by itself (see {@code StateSync}).
 */
public class DatabaseGuard {

    private final DatabaseStatus database;

    public DatabaseGuard(DatabaseStatus database) {
        this.database = database;
    }

    @ServerRequestFilter
    public Response refuseWhileDatabaseIsAway(ContainerRequestContext request) {
        if (database.isAvailable()) {
            return null;
        }
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") || "/api/v1/me".equals(path)) {
            return null;
        }
        return ProblemMapper.respond(Problem.of(503, "database-unavailable", "Service unavailable",
                "The database is unreachable; token checks go on, changes have to wait. Try again shortly"));
    }
}
