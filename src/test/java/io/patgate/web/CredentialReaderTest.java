package io.patgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.patgate.domain.Refusal;
import io.patgate.identity.CheckFixture;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The one reading of the {@code Authorization} header that the API and the plain routes share, and its order: a header
 * the client got wrong is 401 whatever this replica's state; only a readable credential meets the staleness check (503).
 */
class CredentialReaderTest {

    private final CheckFixture f = new CheckFixture();
    private final CredentialReader reader = new CredentialReader(f.verifier);

    private void goStale() {
        f.state.synced(f.clock.instant());
        f.clock.advance(f.config.state().maxStaleness().plusSeconds(1));
    }

    private Refusal.Kind refusal(String header) {
        return assertInstanceOf(CredentialReader.Refused.class, reader.read(header, "192.0.2.1"))
                .refusal()
                .kind();
    }

    @Test
    void aMalformedHeaderIsTheClientsFaultEvenOnAStaleReplica() {
        goStale();
        assertEquals(Refusal.Kind.UNAUTHENTICATED, refusal("Bearer"));
        assertEquals(Refusal.Kind.UNAUTHENTICATED, refusal("Token abc"));
        assertEquals(Refusal.Kind.UNAUTHENTICATED, refusal("Basic !!!not-base64"));
        assertEquals(
                Refusal.Kind.UNAUTHENTICATED,
                refusal("Basic " + Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8))));
        assertEquals(Refusal.Kind.UNAUTHENTICATED, refusal("Bearer " + "a".repeat(5000)));
    }

    @Test
    void aReadableCredentialOnAStaleReplicaIsNotJudged() {
        goStale();
        assertEquals(Refusal.Kind.STATE_STALE, refusal("Bearer some-token"));
        assertEquals(
                Refusal.Kind.STATE_STALE,
                refusal("Basic "
                        + Base64.getEncoder().encodeToString("alice:some-token".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void noHeaderIsAbsentWhateverTheState() {
        assertInstanceOf(CredentialReader.Absent.class, reader.read((String) null, "192.0.2.1"));
        goStale();
        assertInstanceOf(CredentialReader.Absent.class, reader.read((String) null, "192.0.2.1"));
    }

    @Test
    void bearerAndBasicAreReadAsTheCredentialTheyCarry() {
        var bearer = assertInstanceOf(CredentialReader.Presented.class, reader.read("bearer  tok ", "192.0.2.1"))
                .credential();
        assertEquals("tok", bearer.token());
        assertEquals("192.0.2.1", bearer.clientAddress());
        var basic = assertInstanceOf(
                        CredentialReader.Presented.class,
                        reader.read(
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString("alice:tok:en".getBytes(StandardCharsets.UTF_8)),
                                "192.0.2.1"))
                .credential();
        assertEquals("alice", basic.basicUsername());
        assertEquals("tok:en", basic.token());
    }
}
