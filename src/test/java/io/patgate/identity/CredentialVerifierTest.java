package io.patgate.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.patgate.domain.Cidr;
import io.patgate.identity.CheckMetrics.Kind;
import io.patgate.identity.CheckMetrics.Outcome;
import io.patgate.support.Forge;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-request check's contract, case by case, without a server (in the manner of java-jwt's {@code JWTVerifierTest}):
 * each row arranges the state, the keys and the clock, presents one credential, and states the {@link Verdict}, and that
 * the check was counted once under that kind and outcome.
 */
class CredentialVerifierTest {

    private static final String CLIENT = "192.0.2.10";

    /** What is presented: a credential by its client ({@link CredentialVerifier#check}), or a token asked about ({@link CredentialVerifier#describe}). */
    record Ask(CredentialRequest request, boolean describe) {}

    /** The verdict a row expects: its type, for a refusal its kind and outcome, for an acceptance what to check of the caller. */
    record Expect(Class<? extends Verdict> type, Kind kind, Outcome outcome, Consumer<Caller> caller) {}

    record Case(String name, Function<CheckFixture, Ask> arrange, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Ask bearer(String token) {
        return new Ask(new CredentialRequest(token, null, CLIENT), false);
    }

    static Ask bearerFrom(String token, String address) {
        return new Ask(new CredentialRequest(token, null, address), false);
    }

    static Ask basic(String username, String token) {
        return new Ask(new CredentialRequest(token, username, CLIENT), false);
    }

    static Ask described(String token) {
        return new Ask(new CredentialRequest(token, null, null), true);
    }

    static Expect accepted(Caller.AuthMethod method, Consumer<Caller> more) {
        return new Expect(Verdict.Accepted.class, null, Outcome.OK, c -> {
            assertEquals(method, c.method());
            more.accept(c);
        });
    }

    static Expect accepted(Caller.AuthMethod method) {
        return accepted(method, c -> {});
    }

    static Expect refused(Kind kind, Outcome outcome) {
        return new Expect(Verdict.Refused.class, kind, outcome, null);
    }

    static Expect needsRead() {
        return new Expect(Verdict.NeedsRead.class, null, null, null);
    }

    static Case row(String name, Function<CheckFixture, Ask> arrange, Expect expect) {
        return new Case(name, arrange, expect);
    }

    static Stream<Case> cases() {
        return Stream.of(
                row(
                        "valid PAT",
                        f -> bearer(f.pat(f.user("alice", "deploy"), "deploy").value()),
                        accepted(Caller.AuthMethod.PAT, c -> assertEquals(List.of("deploy"), c.effectiveScopes()))),
                row(
                        "PAT as the password of HTTP Basic, under its owner's name",
                        f -> basic(
                                "ALICE",
                                f.pat(f.user("alice", "deploy"), "deploy").value()),
                        accepted(Caller.AuthMethod.PAT)),
                row(
                        "PAT as the password of HTTP Basic, under another name",
                        f -> basic(
                                "mallory",
                                f.pat(f.user("alice", "deploy"), "deploy").value()),
                        refused(Kind.PAT, Outcome.FORGED)),
                row(
                        "session",
                        f -> bearer(f.session(f.user("alice", "deploy"))),
                        accepted(Caller.AuthMethod.SESSION, c -> assertEquals(List.of("deploy"), c.effectiveScopes()))),
                row(
                        "session as the password of HTTP Basic",
                        f -> basic("alice", f.session(f.user("alice", "deploy"))),
                        refused(Kind.SESSION, Outcome.FORGED)),
                row(
                        "exchanged token",
                        f -> bearer(f.exchanged(f.user("svc", "deploy"), "deploy", "admin")
                                .getKey()),
                        accepted(
                                Caller.AuthMethod.EXCHANGE, c -> assertEquals(List.of("deploy"), c.effectiveScopes()))),
                row(
                        "exchanged token whose trust entry is removed",
                        f -> {
                            var issued = f.exchanged(f.user("svc", "deploy"), "deploy");
                            WorkloadTrust t = issued.getValue();
                            f.trusts.apply(new WorkloadTrust(
                                    t.id(),
                                    t.accountId(),
                                    t.issuer(),
                                    t.audience(),
                                    t.subject(),
                                    t.claims(),
                                    t.maxTtlSeconds(),
                                    t.jwks(),
                                    t.createdAt(),
                                    true,
                                    t.version() + 1));
                            return bearer(issued.getKey());
                        },
                        refused(Kind.EXCHANGE, Outcome.REVOKED)),
                row(
                        "exchanged token of a disabled account",
                        f -> {
                            var account = f.user("svc", "deploy");
                            String token = f.exchanged(account, "deploy").getKey();
                            f.disable(account);
                            return bearer(token);
                        },
                        refused(
                                Kind.EXCHANGE,
                                Outcome.REVOKED)), // a disabled account's trust entries stop counting first
                // (TrustState#trust)
                row(
                        "expired PAT",
                        f -> {
                            String value = f.pat(
                                            f.user("alice", "deploy"), Set.of("deploy"), Duration.ofHours(1), List.of())
                                    .value();
                            f.clock.advance(Duration.ofHours(1));
                            return bearer(value);
                        },
                        refused(Kind.PAT, Outcome.EXPIRED)),
                row(
                        "expired session",
                        f -> {
                            String session = f.session(f.user("alice", "deploy"));
                            f.clock.advance(f.config.session().lifetime().plusSeconds(1));
                            return bearer(session);
                        },
                        refused(Kind.SESSION, Outcome.EXPIRED)),
                row(
                        "expired exchanged token",
                        f -> {
                            String token = f.exchanged(f.user("svc", "deploy"), "deploy")
                                    .getKey();
                            f.clock.advance(Duration.ofSeconds(600));
                            return bearer(token);
                        },
                        refused(Kind.EXCHANGE, Outcome.EXPIRED)),
                row(
                        "revoked PAT",
                        f -> {
                            var pat = f.pat(f.user("alice", "deploy"), "deploy");
                            TokenState t = pat.state();
                            f.replace(new TokenState(
                                    t.id(),
                                    t.userId(),
                                    t.scopes(),
                                    t.allowedCidrs(),
                                    t.issuedAt(),
                                    t.expiresAt(),
                                    f.clock.instant(),
                                    t.digest(),
                                    null,
                                    null,
                                    t.version() + 1));
                            return bearer(pat.value());
                        },
                        refused(Kind.PAT, Outcome.REVOKED)),
                row(
                        "logged-out session",
                        f -> {
                            String session = f.session(f.user("alice", "deploy"));
                            var verified =
                                    f.verifier.describe(session) instanceof Verdict.Accepted a ? a.caller() : null;
                            f.state.revokeSession(verified.credentialId(), verified.expiresAt());
                            return bearer(session);
                        },
                        refused(Kind.SESSION, Outcome.REVOKED)),
                row(
                        "regenerated PAT's old value within the grace period",
                        f -> bearer(regenerated(f)),
                        accepted(Caller.AuthMethod.PAT)),
                row(
                        "regenerated PAT's old value after the grace period",
                        f -> {
                            String old = regenerated(f);
                            f.clock.advance(Duration.ofMinutes(11));
                            return bearer(old);
                        },
                        refused(Kind.PAT, Outcome.REVOKED)),
                row(
                        "PAT of a disabled owner",
                        f -> {
                            var alice = f.user("alice", "deploy");
                            String value = f.pat(alice, "deploy").value();
                            f.disable(alice);
                            return bearer(value);
                        },
                        refused(Kind.PAT, Outcome.OWNER_DISABLED)),
                row(
                        "PAT of a deleted owner",
                        f -> {
                            var alice = f.user("alice", "deploy");
                            String value = f.pat(alice, "deploy").value();
                            f.state.removeUser(alice.id());
                            return bearer(value);
                        },
                        refused(Kind.PAT, Outcome.OWNER_DISABLED)),
                row(
                        "session of a disabled user",
                        f -> {
                            var alice = f.user("alice", "deploy");
                            String session = f.session(alice);
                            f.disable(alice);
                            return bearer(session);
                        },
                        refused(Kind.SESSION, Outcome.OWNER_DISABLED)),
                row(
                        "PAT's scopes meet the owner's roles as they are now",
                        f -> {
                            var alice = f.user("alice", "deploy", "read");
                            String value = f.pat(alice, "deploy", "read").value();
                            f.setRoles(alice, "read");
                            return bearer(value);
                        },
                        accepted(Caller.AuthMethod.PAT, c -> assertEquals(List.of("read"), c.effectiveScopes()))),
                row(
                        "wrong typ: a plain JWT signed with our key",
                        f -> bearer(Forge.sign(
                                Forge.claims(UUID.randomUUID().toString(), 3600),
                                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                                f.keyPair.getPrivate(),
                                CheckFixture.KID,
                                "JWT")),
                        refused(Kind.UNRECOGNISED, Outcome.FORGED)),
                row(
                        "alg none",
                        f -> bearer(Forge.unsigned(
                                UUID.randomUUID().toString(), CheckFixture.KID, TokenSigner.SESSION_TYPE)),
                        refused(Kind.UNRECOGNISED, Outcome.FORGED)),
                row(
                        "alg confusion: HS256 keyed with our public key",
                        f -> bearer(Forge.hmacWithPublicKey(
                                f.user("alice", "admin").id().toString(),
                                CheckFixture.KID,
                                TokenSigner.SESSION_TYPE,
                                f.publicJwk)),
                        refused(Kind.UNRECOGNISED, Outcome.FORGED)),
                row(
                        "unknown kid",
                        f -> bearer(Forge.sign(
                                Forge.claims(f.user("alice", "admin").id().toString(), 3600),
                                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                                f.keyPair.getPrivate(),
                                "not-our-kid",
                                TokenSigner.SESSION_TYPE)),
                        refused(Kind.UNRECOGNISED, Outcome.FORGED)),
                row(
                        "bad signature: another key under our kid",
                        f -> bearer(Forge.foreignKey(
                                f.user("alice", "admin").id().toString(), CheckFixture.KID, TokenSigner.SESSION_TYPE)),
                        refused(Kind.UNRECOGNISED, Outcome.FORGED)),
                row(
                        "bad signature: a session's subject edited",
                        f -> bearer(Forge.tamperedPayload(
                                f.session(f.user("alice", "deploy")),
                                "sub",
                                f.user("root", "admin").id().toString())),
                        refused(Kind.UNRECOGNISED, Outcome.FORGED)),
                row(
                        "a key no longer trusted",
                        f -> {
                            String session = f.session(f.user("alice", "deploy"));
                            f.verifier.describe(session); // verified and remembered while the key was trusted
                            f.keys.replace(List.of(), List.of());
                            return bearer(session);
                        },
                        refused(Kind.SESSION, Outcome.FORGED)),
                row("malformed: not a JWS", f -> bearer("not-a-token"), refused(Kind.UNRECOGNISED, Outcome.FORGED)),
                row(
                        "malformed: a header that is not JSON",
                        f -> bearer(b64("{alg") + "." + b64("{}") + ".c2ln"),
                        refused(Kind.UNRECOGNISED, Outcome.FORGED)),
                row(
                        "malformed: five parts (a JWE)",
                        f -> bearer("a.b.c.d.e"),
                        refused(Kind.UNRECOGNISED, Outcome.FORGED)),
                row(
                        "malformed: longer than any token",
                        f -> bearer("a".repeat(CredentialVerifier.MAX_TOKEN_LENGTH + 1)),
                        refused(Kind.UNRECOGNISED, Outcome.FORGED)),
                row(
                        "not yet valid: a session issued an hour from now",
                        f -> {
                            String session = f.session(f.user("alice", "deploy"));
                            f.clock.advance(Duration.ofHours(-1));
                            return bearer(session);
                        },
                        refused(Kind.SESSION, Outcome.FORGED)),
                row(
                        "stale replica: even a valid PAT is not judged",
                        f -> {
                            String value =
                                    f.pat(f.user("alice", "deploy"), "deploy").value();
                            f.state.synced(f.clock.instant());
                            f.clock.advance(f.config.state().maxStaleness().plusSeconds(1));
                            return bearer(value);
                        },
                        refused(Kind.UNRECOGNISED, Outcome.UNAVAILABLE)),
                row(
                        "fresh replica: synced within the bound",
                        f -> {
                            String value =
                                    f.pat(f.user("alice", "deploy"), "deploy").value();
                            f.state.synced(f.clock.instant());
                            f.clock.advance(f.config.state().maxStaleness().minusSeconds(1));
                            return bearer(value);
                        },
                        accepted(Caller.AuthMethod.PAT)),
                row(
                        "validly signed PAT this replica does not hold: one read",
                        f -> {
                            var alice = f.user("alice", "deploy");
                            return bearer(f.signedPat(
                                    UUID.randomUUID(), alice, f.clock.instant().plus(Duration.ofDays(1))));
                        },
                        needsRead()),
                row(
                        "network fence: from outside its networks",
                        f -> bearerFrom(fenced(f), "192.0.2.99"),
                        refused(Kind.PAT, Outcome.OUTSIDE_NETWORKS)),
                row(
                        "network fence: from inside its networks",
                        f -> bearerFrom(fenced(f), "10.1.2.3"),
                        accepted(
                                Caller.AuthMethod.PAT,
                                c -> assertEquals(
                                        "10.0.0.0/8", c.networks().get(0).toString()))),
                row(
                        "network fence: described for introspection, answered rather than applied",
                        f -> described(fenced(f)),
                        accepted(
                                Caller.AuthMethod.PAT,
                                c -> assertEquals(1, c.networks().size()))));
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A token regenerated a moment ago (ten minutes' grace); returns its old value. */
    private static String regenerated(CheckFixture f) {
        var pat = f.pat(f.user("alice", "deploy"), "deploy");
        TokenState t = pat.state();
        String fresh = f.signedPat(t.id(), f.state.user(t.userId()), t.expiresAt());
        Instant now = f.clock.instant();
        f.replace(new TokenState(
                t.id(),
                t.userId(),
                t.scopes(),
                t.allowedCidrs(),
                now,
                t.expiresAt(),
                null,
                CheckFixture.digest(fresh),
                t.digest(),
                now.plus(Duration.ofMinutes(10)),
                t.version() + 1));
        return pat.value();
    }

    private static String fenced(CheckFixture f) {
        return f.pat(
                        f.user("alice", "deploy"),
                        Set.of("deploy"),
                        Duration.ofDays(1),
                        List.of(Cidr.parse("10.0.0.0/8").orElseThrow()))
                .value();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdict(Case row) {
        CheckFixture f = new CheckFixture();
        Ask ask = row.arrange().apply(f);
        double all = f.countedInAll(); // arranging may have checked something already
        Expect expect = row.expect();
        double same = expect.kind() == null ? 0 : f.counted(expect.kind(), expect.outcome());
        Verdict verdict = ask.describe() ? f.verifier.describe(ask.request().token()) : f.verifier.check(ask.request());

        assertInstanceOf(expect.type(), verdict, row.name() + ": " + verdict);
        if (verdict instanceof Verdict.Refused refused) {
            assertEquals(new Verdict.Refused(expect.kind(), expect.outcome()), refused);
            assertEquals(same + 1, f.counted(expect.kind(), expect.outcome()), "counted under its kind and outcome");
            assertEquals(all + 1, f.countedInAll(), "counted once");
        } else if (verdict instanceof Verdict.Accepted accepted) {
            expect.caller().accept(accepted.caller());
            assertEquals(all + 1, f.countedInAll(), "counted once");
        } else {
            assertEquals(all, f.countedInAll(), "a check that needs a read is counted when the read ends it");
        }
    }
}
