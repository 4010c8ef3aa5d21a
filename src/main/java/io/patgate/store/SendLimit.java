package io.patgate.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Counters in the database, so every replica counts towards the same limit: mails per recipient and day, confirmation
 * mails, routine notices per account and hour. A window begins at the first use after the previous one ended
 * ({@code patgate_count_use}, V12). Counting and reading the count is one statement, so two replicas counting at
 * the same instant are both counted.
 */
public final class SendLimit {

    /** Mails of any kind to one recipient (see {@link #recipient}), per day. */
    public static final String MAIL = "mail";
    /** Confirmation mails to one recipient, per day. */
    public static final String CONFIRM_RECIPIENT = "confirm-recipient";
    /** Confirmation mails asked for by (or for) one account, per day. */
    public static final String CONFIRM_ACCOUNT = "confirm-account";
    /** The prefix of the routine-notice buckets: one per kind, keyed by account. */
    public static final String NOTICE = "notice:";

    /** The uses in the current window so far, this one included, and the seconds until that window ends. */
    public record Count(int used, int resetsIn) {
        public boolean within(int limit) {
            return used <= limit;
        }
    }

    private static final String SQL = "select used, resets_in from patgate_count_use($1, $2, $3, $4)";

    private SendLimit() {}

    /**
     * The key a recipient address is counted under: lower case, and without a {@code +tag} in its local part, so
     * {@code Alice+1@example.com} and {@code alice+2@example.com} share one limit.
     */
    public static String recipient(String address) {
        String lower = address.trim().toLowerCase(java.util.Locale.ROOT);
        int at = lower.lastIndexOf('@');
        int plus = lower.indexOf('+');
        return plus >= 0 && at > 0 && plus < at ? lower.substring(0, plus) + lower.substring(at) : lower;
    }

    /** Counts {@code n} uses on a connection whose transaction (or none) the caller holds. */
    static Uni<Count> count(SqlClient sql, String bucket, String key, int n, Duration window) {
        return sql.preparedQuery(SQL)
                .execute(Tuple.of(bucket, key, n, (double) window.toSeconds()))
                .map(rows -> {
                    var row = rows.iterator().next();
                    return new Count(row.getInteger("used"), row.getInteger("resets_in"));
                });
    }

    /** Counts {@code n} uses in the session's current transaction. */
    static Uni<Count> count(Uni<Mutiny.Session> session, String bucket, String key, int n, Duration window) {
        return session.chain(s -> s.createNativeQuery(
                        "select used, resets_in from patgate_count_use(?1, ?2, ?3, ?4)", Object[].class)
                .setParameter(1, bucket)
                .setParameter(2, key)
                .setParameter(3, n)
                .setParameter(4, (double) window.toSeconds())
                .getSingleResult()
                .map(row -> new Count(((Number) row[0]).intValue(), ((Number) row[1]).intValue())));
    }
}
