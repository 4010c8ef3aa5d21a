package io.patgate.store;

import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;

/** Tells a database that is away from a bug in our own SQL. */
public final class DatabaseFailures {

    private DatabaseFailures() {}

    public static boolean isUnavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof ClosedConnectionException) {
                return true;
            }
            if (t instanceof VertxException
                    && t.getMessage() != null
                    && (t.getMessage().contains("Connection refused")
                            || t.getMessage().contains("Timeout"))) {
                return true;
            }
        }
        return false;
    }
}
