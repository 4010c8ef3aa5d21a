package io.patgate;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link OperationsTest} against the packaged application (health, JWKS, OpenAPI, metrics), in `./mvnw verify`. */
@QuarkusIntegrationTest
class OperationsIT extends OperationsTest {}
