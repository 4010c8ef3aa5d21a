package io.patgate.integration;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link VerifyTest} against the packaged application (forward-auth verification), in `./mvnw verify`. */
@QuarkusIntegrationTest
class VerifyIT extends VerifyTest {}
