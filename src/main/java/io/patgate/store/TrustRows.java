package io.patgate.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patgate.identity.WorkloadTrust;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;

/** Turns trust rows and entities into the in-memory {@link WorkloadTrust}, and claim maps to and from their stored JSON. */
public final class TrustRows {

    /** The columns {@link #state(Row)} reads. */
    public static final String COLUMNS =
            "id, account_id, issuer, audience, subject, claims, max_ttl_seconds, jwks, created_at, removed_at, row_version";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> CLAIMS = new TypeReference<>() {};

    private TrustRows() {}

    public static WorkloadTrust state(Row row) {
        return new WorkloadTrust(
                row.getUUID("id"),
                row.getUUID("account_id"),
                row.getString("issuer"),
                row.getString("audience"),
                row.getString("subject"),
                claims(row.getString("claims")),
                row.getInteger("max_ttl_seconds"),
                row.getString("jwks"),
                instant(row.getOffsetDateTime("created_at")),
                row.getOffsetDateTime("removed_at") != null,
                row.getLong("row_version"));
    }

    public static WorkloadTrust state(TrustEntry e) {
        return new WorkloadTrust(
                e.id,
                e.accountId,
                e.issuer,
                e.audience,
                e.subject,
                claims(e.claims),
                e.maxTtlSeconds,
                e.jwks,
                e.createdAt,
                e.removedAt != null,
                e.rowVersion);
    }

    /** The stored JSON object of claim patterns, sorted by claim name. */
    public static Map<String, String> claims(String stored) {
        try {
            return stored == null || stored.isBlank() ? Map.of() : JSON.readValue(stored, CLAIMS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored trust claims are not a JSON object of strings", e);
        }
    }

    /** Claim patterns as stored: a JSON object, sorted by claim name. */
    public static String claimsJson(Map<String, String> claims) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(claims));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
