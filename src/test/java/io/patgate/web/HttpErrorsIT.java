package io.patgate.web;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link HttpErrorsTest} against the packaged application (every error a problem document), in `./mvnw verify`. */
@QuarkusIntegrationTest
class HttpErrorsIT extends HttpErrorsTest {}
