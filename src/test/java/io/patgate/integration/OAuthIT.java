package io.patgate.integration;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link OAuthTest} against the packaged application (RFC 7662 introspection and RFC 7009 revocation, with a third-party client), in `./mvnw verify`. */
@QuarkusIntegrationTest
class OAuthIT extends OAuthTest {}
