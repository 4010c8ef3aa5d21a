package io.patgate.token;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link TokensTest} against the packaged application (the token lifecycle: create, list, patch, regenerate, revoke, quotas), in `./mvnw verify`. */
@QuarkusIntegrationTest
class TokensIT extends TokensTest {}
