/**
 * RFC 8693 token exchange: subject tokens of outside issuers (a Kubernetes projected service-account token, a CI
 * ID token), judged against the trust entries of service accounts.
 * <ul>
 * <li>{@link io.patgate.exchange.SubjectTokenVerifier}: the verdict on one subject token; its rules in order (those of
 *     the claims, once the signature holds, {@link io.patgate.exchange.ClaimChecks}).</li>
 * <li>{@link io.patgate.exchange.IssuerKeys}, {@link io.patgate.exchange.DocumentFetcher}: issuers' discovery documents and
 *     key sets, read through the webhooks' request-forgery guard ({@code notice.TargetGuard}, the one thing this
 *     package takes from {@code notice}), held, read again on an unknown kid at most every 30 s, dropped after 24 h.</li>
 * <li>{@link io.patgate.exchange.TrustSource}, {@link io.patgate.exchange.ExchangeIssuer}: the two ports the service
 *     accounts implement (their trust entries; issuing the token).</li>
 * <li>{@link io.patgate.exchange.TokenExchange}: {@code POST /oauth/token}'s rules (the resource is
 *     {@code integration.TokenExchangeResource}); {@link io.patgate.exchange.ExchangeMetrics}: the counter.</li>
 * </ul>
 * Native image: nothing here needs registering. Nimbus JOSE verifies JWS with the JDK's {@code Signature} (RSA,
 * RSASSA-PSS, ECDSA; Ed25519 is {@link io.patgate.exchange.JdkEd25519Verifier}), which GraalVM's security-services
 * feature registers when {@code Signature.getInstance} is reachable; its JSON is a shaded Gson asked only for
 * {@code Map<String, Object>} trees ({@code TypeToken.getParameterized}, maps made with {@code new}, no reflection on
 * any class of ours or its own). The caches are Caffeine's size-bounded kind that {@code identity} already uses.
 */
package io.patgate.exchange;
