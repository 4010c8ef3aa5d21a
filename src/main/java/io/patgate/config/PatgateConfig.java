package io.patgate.config;

import io.smallrye.config.ConfigMapping;

/**
 * Every {@code patgate.*} setting, with its default. docs/configuration.md lists them all ({@code ConfigurationReferenceTest} holds the two together).
 */
@ConfigMapping(prefix = "patgate")
public interface PatgateConfig {

    AdminConfig admin();

    SessionConfig session();

    PasswordConfig password();

    MemoryConfig memory();

    KeysConfig keys();

    HttpConfig http();

    TokensConfig tokens();

    StateConfig state();

    AuditConfig audit();

    LoginConfig login();

    OauthConfig oauth();

    NoticesConfig notices();

    WebhooksConfig webhooks();

    OidcConfig oidc();

    DatasourceConfig datasource();
}
