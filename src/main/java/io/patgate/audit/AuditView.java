package io.patgate.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.patgate.store.AuditEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "AuditEvent")
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record AuditView(
        UUID id, Instant at, String actor, String action, UUID tokenId, String username, String ip, String detail) {

    static AuditView of(AuditEvent e) {
        return new AuditView(e.id, e.at, e.actor, e.action, e.tokenId, e.username, e.ip, e.detail);
    }
}
