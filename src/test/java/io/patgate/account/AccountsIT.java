package io.patgate.account;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link AccountsTest} against the packaged application (login and accounts), in `./mvnw verify`. */
@QuarkusIntegrationTest
class AccountsIT extends AccountsTest {}
