package io.patgate.store;

import io.patgate.domain.Cidr;
import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenState;
import io.patgate.identity.UsageTracker;
import io.vertx.mutiny.sqlclient.Row;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Turns rows and entities into the in-memory shapes of the per-request check, in one place. */
public final class StateRows {

    /** The columns {@link #state(Row)} reads. */
    public static final String COLUMNS =
            "t.id, t.user_id, t.scopes, t.allowed_cidrs, t.issued_at, t.expires_at, t.revoked_at, t.digest,"
                    + " t.previous_digest, t.previous_valid_until, t.row_version";
    /** The columns {@link #usage(Row)} reads, next to {@link #COLUMNS}, from {@link #USAGE_JOIN}. */
    public static final String USAGE_COLUMNS = "g.last_used_at, g.last_used_ip, g.recent_ips";
    /** A token's usage row (V19), if it was ever used. */
    public static final String USAGE_JOIN = " left join token_usage g on g.token_id = t.id";
    /** The columns of a token's owner that {@link #owner(Row)} reads, next to {@link #COLUMNS}. */
    public static final String OWNER_COLUMNS =
            "u.username, u.roles, u.disabled, u.sessions_not_before, u.kept_session, u.row_version as owner_version";

    private StateRows() {}

    public static TokenState state(Row row) {
        return new TokenState(
                row.getUUID("id"),
                row.getUUID("user_id"),
                Set.copyOf(Arrays.asList(row.getArrayOfStrings("scopes"))),
                cidrs(row.getArrayOfStrings("allowed_cidrs")),
                instant(row.getOffsetDateTime("issued_at")),
                instant(row.getOffsetDateTime("expires_at")),
                instant(row.getOffsetDateTime("revoked_at")),
                bytes(row, "digest"),
                bytes(row, "previous_digest"),
                instant(row.getOffsetDateTime("previous_valid_until")),
                row.getLong("row_version"));
    }

    public static TokenState state(AccessToken t) {
        return new TokenState(
                t.id,
                t.userId,
                Set.copyOf(Arrays.asList(t.scopes)),
                cidrs(t.allowedCidrs),
                t.issuedAt,
                t.expiresAt,
                t.revokedAt,
                ByteBuffer.wrap(t.digest),
                t.previousDigest == null ? null : ByteBuffer.wrap(t.previousDigest),
                t.previousValidUntil,
                t.rowVersion);
    }

    /** An account from an {@code app_user} row. */
    public static IdentityState.UserState user(Row row) {
        return user(row, "id", "row_version");
    }

    /** A token's owner, from a token row joined with {@code app_user} (the account's id is the token's user_id). */
    public static IdentityState.UserState owner(Row row) {
        return user(row, "user_id", "owner_version");
    }

    private static IdentityState.UserState user(Row row, String idColumn, String versionColumn) {
        return new IdentityState.UserState(
                row.getUUID(idColumn),
                row.getString("username"),
                Set.copyOf(Arrays.asList(row.getArrayOfStrings("roles"))),
                row.getBoolean("disabled"),
                instant(row.getOffsetDateTime("sessions_not_before")),
                row.getUUID("kept_session"),
                row.getLong(versionColumn));
    }

    /** Last-used data as stored, or null when the token was never used. */
    public static UsageTracker.Usage usage(Row row) {
        Instant at = instant(row.getOffsetDateTime("last_used_at"));
        return at == null
                ? null
                : new UsageTracker.Usage(
                        at, row.getString("last_used_ip"), recent(row.getArrayOfStrings("recent_ips")));
    }

    public static List<UsageTracker.Seen> recent(String[] stored) {
        List<UsageTracker.Seen> out = new ArrayList<>();
        for (String entry : stored == null ? new String[0] : stored) {
            int bar = entry.lastIndexOf('|');
            if (bar > 0) {
                // an address recorded in an older spelling (0:0:0:0:0:0:0:1) reads as today's (::1), so one client is
                // one entry
                out.add(new UsageTracker.Seen(
                        Cidr.respell(entry.substring(0, bar)), Instant.parse(entry.substring(bar + 1))));
            }
        }
        return out;
    }

    /** Recent addresses as {@link AccessToken#recentIps} reads them: the stored entries separated by spaces, or null. */
    public static List<UsageTracker.Seen> recent(String spaced) {
        return recent(spaced == null || spaced.isBlank() ? null : spaced.trim().split(" +"));
    }

    public static String[] recent(List<UsageTracker.Seen> seen) {
        return seen.stream().map(s -> s.ip() + "|" + s.at()).toArray(String[]::new);
    }

    public static List<Cidr> cidrs(String[] stored) {
        return Arrays.stream(stored)
                .map(c -> Cidr.parse(c).orElseThrow(() -> new IllegalStateException("stored CIDR " + c)))
                .toList();
    }

    private static ByteBuffer bytes(Row row, String column) {
        var buffer = row.getBuffer(column);
        return buffer == null ? null : ByteBuffer.wrap(buffer.getBytes());
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
