package io.patgate.exchange;

import static io.patgate.exchange.Tokens.trust;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the keys of an issuer are read, held and read again, over real HTTP against an issuer on this machine whose
 * answers each test chooses: a key rotation, a flood of unknown kids, an issuer that is slow, down, answers 10 MB,
 * redirects, or serves another issuer's document, and the request-forgery guard as production has it. Plain JUnit;
 * time is a test clock, so "31 s later" and "25 h later" take no time.
 */
class IssuerKeysTest {

    private static final String AUDIENCE = "patgate";
    private static final String SUBJECT = "system:serviceaccount:ci:builder";

    private static RSAKey first;
    private static RSAKey second;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void keys() {
        first = Tokens.rsa("first");
        second = Tokens.rsa("second");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private Verifiers verifiers(Map<String, String> settings) {
        return opened(new Verifiers(settings));
    }

    private Issuer issuer(RSAKey... keys) throws IOException {
        return opened(new Issuer(keys));
    }

    /** A token of {@code issuer} signed by {@code key}, good at the test clock's now. */
    private static String token(Verifiers v, String issuer, RSAKey key) {
        return Tokens.sign(
                key, Tokens.claims(issuer, SUBJECT, AUDIENCE, v.clock.instant()).build());
    }

    private static Trust trustOf(String issuer) {
        return trust(issuer, AUDIENCE, "system:serviceaccount:ci:*", Map.of(), null);
    }

    private static Verdict.Refused refused(Verdict verdict, ExchangeOutcome outcome) {
        Verdict.Refused refused =
                assertInstanceOf(Verdict.Refused.class, verdict, () -> "expected " + outcome + ", got " + verdict);
        assertEquals(outcome, refused.outcome(), refused::detail);
        return refused;
    }

    @Test
    void aRotatedKeyIsReadOnItsFirstUnknownKidAndAFloodOfUnknownKidsReadsOncePerFloor() throws Exception {
        Verifiers v = verifiers(Map.of());
        Issuer issuer = issuer(first);
        Trust trust = trustOf(issuer.url());
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, issuer.url(), first), trust));
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, issuer.url(), first), trust));
        assertEquals(1, issuer.keyReads.get(), "held after the first read");

        // the issuer rotates: its set now holds the new key (and still the old one, as issuers do for a while)
        issuer.publish(second, first);
        v.clock.advance(Duration.ofSeconds(31));
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, issuer.url(), second), trust));
        assertEquals(2, issuer.keyReads.get(), "the unknown kid made one read");
        assertEquals(2, issuer.discoveries.get());

        // kids no key has, one after the other, within 30 s: no further read (one is refused, the known ones still
        // pass)
        List<RSAKey> madeUp = List.of(Tokens.rsa("made-up-1"), Tokens.rsa("made-up-2"));
        for (int i = 0; i < 20; i++) {
            v.clock.advance(Duration.ofSeconds(1));
            refused(v.verify(token(v, issuer.url(), madeUp.get(i % 2)), trust), ExchangeOutcome.UNKNOWN_KEY);
        }
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, issuer.url(), second), trust));
        assertEquals(2, issuer.keyReads.get(), "unknown kids within the floor read nothing");

        // past the floor, an unknown kid reads again, once
        v.clock.advance(Duration.ofSeconds(11));
        RSAKey third = Tokens.rsa("third");
        issuer.publish(third, second);
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, issuer.url(), third), trust));
        assertEquals(3, issuer.keyReads.get());
        // the key the issuer dropped is gone with its set
        refused(v.verify(token(v, issuer.url(), first), trust), ExchangeOutcome.UNKNOWN_KEY);
    }

    @Test
    void concurrentExchangesShareOneRead() throws Exception {
        Verifiers v = verifiers(Map.of());
        Issuer issuer = issuer(first);
        issuer.answer(Issuer.JWKS, Issuer.json(Tokens.jwks(first)).setHeadersDelay(300, TimeUnit.MILLISECONDS));
        Trust trust = trustOf(issuer.url());
        TrustSource source = i -> io.smallrye.mutiny.Uni.createFrom().item(List.of(trust));
        List<io.smallrye.mutiny.Uni<Verdict>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(v.verifier.verify(token(v, issuer.url(), first), source));
        }
        List<?> verdicts =
                io.smallrye.mutiny.Uni.join().all(all).andFailFast().await().atMost(Duration.ofSeconds(10));
        verdicts.forEach(verdict -> assertInstanceOf(Verdict.Accepted.class, verdict));
        assertEquals(1, issuer.discoveries.get());
        assertEquals(1, issuer.keyReads.get());
    }

    @Test
    void keysReadLongAgoAreReadAgainBehindTheExchange() throws Exception {
        Verifiers v = verifiers(Map.of());
        Issuer issuer = issuer(first);
        Trust trust = trustOf(issuer.url());
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, issuer.url(), first), trust));
        v.clock.advance(Duration.ofMinutes(61));
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, issuer.url(), first), trust));
        io.patgate.support.Eventually.eventually(Duration.ofSeconds(5), () -> assertEquals(2, issuer.keyReads.get()));
    }

    @Test
    void aSlowIssuerIsGivenUpOnAfterTheTimeout() throws Exception {
        Verifiers v = verifiers(Map.of("patgate.oidc.fetch-timeout", "500ms"));
        Issuer issuer = issuer(first);
        Trust trust = trustOf(issuer.url());
        // no answer at all for 3 s
        issuer.answer(Issuer.DISCOVERY, new MockResponse().setHeadersDelay(3, TimeUnit.SECONDS));
        long started = System.nanoTime();
        Verdict.Refused refused =
                refused(v.verify(token(v, issuer.url(), first), trust), ExchangeOutcome.ISSUER_UNAVAILABLE);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 2_000, "gave up after " + millis + " ms");
        assertTrue(refused.detail().contains("no answer within 500 ms"), refused.detail());

        // an answer that trickles in, a few bytes a second, never idle: the whole read still ends at the timeout
        v.clock.advance(Duration.ofSeconds(31));
        issuer.answer(Issuer.JWKS, Issuer.json(Tokens.jwks(first)).throttleBody(16, 100, TimeUnit.MILLISECONDS));
        started = System.nanoTime();
        refused = refused(v.verify(token(v, issuer.url(), first), trust), ExchangeOutcome.ISSUER_UNAVAILABLE);
        millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 2_000, "gave up after " + millis + " ms");
        assertTrue(refused.detail().contains("no answer within 500 ms"), refused.detail());
    }

    @Test
    void aDownIssuerWithNoKeysHeldIsRefused() throws Exception {
        Verifiers v = verifiers(Map.of());
        Issuer issuer = issuer(first);
        String url = issuer.url();
        issuer.close(); // nothing listens on its port any more: connections are refused
        Verdict.Refused refused =
                refused(v.verify(token(v, url, first), trustOf(url)), ExchangeOutcome.ISSUER_UNAVAILABLE);
        assertTrue(refused.detail().contains("cannot connect"), refused.detail());
        assertEquals(
                "the subject token's issuer could not be reached to read its keys; try again later",
                refused.outcome().description());
        // within the floor, the next exchange does not even try
        refused = refused(v.verify(token(v, url, first), trustOf(url)), ExchangeOutcome.ISSUER_UNAVAILABLE);
        assertTrue(refused.detail().contains("less than 30 s ago"), refused.detail());
    }

    @Test
    void aDownIssuersKeysHeldServeUntilTheyAgeOut() throws Exception {
        Verifiers v = verifiers(Map.of());
        Issuer issuer = issuer(first);
        String url = issuer.url();
        Trust trust = trustOf(url);
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, url, first), trust));
        issuer.close();
        v.clock.advance(
                Duration.ofHours(2)); // past the refresh interval: a read is tried behind the exchange, and fails
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, url, first), trust));
        v.clock.advance(Duration.ofHours(21)); // 23 h after the read: still held
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, url, first), trust));
        v.clock.advance(
                Duration.ofHours(1).plusMinutes(1)); // past 24 h: dropped, and the issuer still cannot be reached
        Verdict.Refused refused = refused(v.verify(token(v, url, first), trust), ExchangeOutcome.ISSUER_UNAVAILABLE);
        assertTrue(refused.detail().contains("cannot connect"), refused.detail());
    }

    @Test
    void aTenMegabyteAnswerIsRefusedWithoutBeingRead() throws Exception {
        Verifiers v = verifiers(Map.of());
        Issuer issuer = issuer(first);
        Trust trust = trustOf(issuer.url());
        // announced by its Content-Length: refused on the headers
        okio.Buffer big = new okio.Buffer().write(new byte[10 * 1024 * 1024]);
        issuer.answer(
                Issuer.JWKS,
                new MockResponse().setHeader("Content-Type", "application/json").setBody(big));
        long started = System.nanoTime();
        Verdict.Refused refused =
                refused(v.verify(token(v, issuer.url(), first), trust), ExchangeOutcome.ISSUER_UNAVAILABLE);
        assertTrue(refused.detail().contains("answer of 10485760 bytes is larger than 262144"), refused.detail());
        assertTrue((System.nanoTime() - started) / 1_000_000 < 2_000);
    }

    @Test
    void anEndlessAnswerIsCutOffAtTheLimit() throws Exception {
        Verifiers v = verifiers(Map.of());
        try (EndlessServer endless = new EndlessServer()) {
            Issuer issuer = issuer(first);
            // the key set's address is the endless server, which sends no length and never stops (64 MB at most)
            issuer.answer(
                    Issuer.DISCOVERY,
                    Issuer.json("{\"issuer\":\"" + issuer.url() + "\",\"jwks_uri\":\"http://localhost:" + endless.port()
                            + "/jwks\"}"));
            long started = System.nanoTime();
            Verdict.Refused refused = refused(
                    v.verify(token(v, issuer.url(), first), trustOf(issuer.url())), ExchangeOutcome.ISSUER_UNAVAILABLE);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(refused.detail().contains("answer is larger than 262144 bytes"), refused.detail());
            assertTrue(millis < 3_000, "cut off after " + millis + " ms");
            endless.finished.await(5, TimeUnit.SECONDS);
            assertTrue(
                    endless.written.get() < EndlessServer.TOTAL,
                    "the connection was closed: only " + endless.written.get() + " bytes left the server");
        }
    }

    @Test
    void aDiscoveryDocumentNamingAnotherIssuerIsRefused() throws Exception {
        Verifiers v = verifiers(Map.of());
        Issuer issuer = issuer(first);
        issuer.answer(
                Issuer.DISCOVERY,
                Issuer.json("{\"issuer\":\"https://accounts.example.com\",\"jwks_uri\":\"http://localhost:"
                        + issuer.port() + Issuer.JWKS + "\"}"));
        Verdict.Refused refused = refused(
                v.verify(token(v, issuer.url(), first), trustOf(issuer.url())), ExchangeOutcome.ISSUER_UNAVAILABLE);
        assertTrue(
                refused.detail().contains("names issuer https://accounts.example.com, not this one"), refused.detail());
        assertEquals(0, issuer.keyReads.get(), "the keys it points to are not read");
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        Verifiers v = verifiers(Map.of());
        Issuer issuer = issuer(first);
        issuer.answer(
                Issuer.DISCOVERY,
                new MockResponse()
                        .setResponseCode(302)
                        .setHeader("Location", "http://169.254.169.254/latest/meta-data/"));
        Verdict.Refused refused = refused(
                v.verify(token(v, issuer.url(), first), trustOf(issuer.url())), ExchangeOutcome.ISSUER_UNAVAILABLE);
        assertTrue(refused.detail().contains("answered 302 (redirects are not followed)"), refused.detail());
    }

    @Test
    void issuersMustBeHttpsOnAPublicAddressUnlessInsecureIsAllowed() throws Exception {
        Verifiers v = verifiers(Map.of("patgate.oidc.allow-insecure", "false"));
        Issuer issuer = issuer(first);
        Verdict.Refused refused = refused(
                v.verify(token(v, issuer.url(), first), trustOf(issuer.url())), ExchangeOutcome.ISSUER_UNAVAILABLE);
        assertTrue(
                refused.detail().contains("must be an https URL; plain http needs patgate.oidc.allow-insecure=true"),
                refused.detail());

        for (String local : List.of(
                "https://127.0.0.1:" + issuer.port() + "/oidc",
                "https://localhost:" + issuer.port() + "/oidc",
                "https://[::1]:" + issuer.port() + "/oidc",
                "https://169.254.169.254/oidc",
                "https://10.0.0.1/oidc")) {
            refused = refused(v.verify(token(v, local, first), trustOf(local)), ExchangeOutcome.ISSUER_UNAVAILABLE);
            assertTrue(
                    refused.detail()
                            .contains(
                                    "a loopback, link-local, private, reserved or cloud-platform address; such targets need patgate.oidc.allow-insecure=true"),
                    refused.detail());
        }
        assertEquals(0, issuer.discoveries.get(), "nothing was asked of a refused address");

        // a trust that carries the issuer's keys needs no request at all: a cluster-internal issuer is fine then
        Trust inline = trust("https://kubernetes.default.svc", AUDIENCE, "*", Map.of(), Tokens.jwks(first));
        assertInstanceOf(Verdict.Accepted.class, v.verify(token(v, inline.issuer(), first), inline));
    }

    @Test
    void anIssuerNoTrustNamesIsNeverAsked() throws Exception {
        Verifiers v = verifiers(Map.of());
        Issuer issuer = issuer(first);
        Trust another = trustOf("https://token.actions.githubusercontent.com");
        refused(v.verify(token(v, issuer.url(), first), another), ExchangeOutcome.UNTRUSTED_ISSUER);
        assertEquals(0, issuer.discoveries.get() + issuer.keyReads.get());
    }

    /** Answers every connection with 200 and a body of no stated length that goes on for 64 MB; counts what it wrote. */
    private static final class EndlessServer implements AutoCloseable {
        static final long TOTAL = 64L * 1024 * 1024;
        final ServerSocket socket = new ServerSocket(0, 5, java.net.InetAddress.getByName("localhost"));
        final AtomicLong written = new AtomicLong();
        final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        final Thread thread;

        EndlessServer() throws IOException {
            thread = new Thread(
                    () -> {
                        try (Socket client = socket.accept()) {
                            InputStream in = client.getInputStream();
                            byte[] request = new byte[4096];
                            in.read(request); // the request line and headers: not looked at
                            OutputStream out = client.getOutputStream();
                            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                            byte[] chunk = new byte[64 * 1024];
                            java.util.Arrays.fill(chunk, (byte) ' ');
                            while (written.get() < TOTAL) {
                                out.write(chunk);
                                written.addAndGet(chunk.length);
                            }
                        } catch (IOException e) {
                            // the client closed the connection: what it did not want was not sent
                        } finally {
                            finished.countDown();
                        }
                    },
                    "endless-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
