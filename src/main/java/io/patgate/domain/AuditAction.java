package io.patgate.domain;

/** What an audit event records, as the audit log names it ({@code action}), in the order the admin's filter lists them. */
public enum AuditAction {
    LOGIN_SUCCEEDED("login.succeeded"),
    LOGIN_FAILED("login.failed"),
    LOGOUT("logout"),
    USER_CREATED("user.created"),
    USER_ROLES_CHANGED("user.roles-changed"),
    USER_DISABLED("user.disabled"),
    USER_ENABLED("user.enabled"),
    USER_PASSWORD_CHANGED("user.password-changed"),
    USER_PASSWORD_CHANGE_FAILED("user.password-change-failed"),
    USER_DELETED("user.deleted"),
    SESSIONS_REVOKED_ALL("sessions.revoked-all"),
    TOKEN_CREATED("token.created"),
    TOKEN_CHANGED("token.changed"),
    TOKEN_REGENERATED("token.regenerated"),
    TOKEN_ROTATED("token.rotated"),
    TOKEN_REVOKED("token.revoked"),
    TOKEN_LEAK_REPORTED("token.leak-reported"),
    TOKEN_EXPIRED_USE("token.expired-use"),
    TOKEN_EXCHANGED("token.exchanged"),
    SESSION_LEAK_REPORTED("session.leak-reported"),
    KEY_ROTATED("key.rotated"),
    USER_EMAIL_CHANGED("user.email-changed"),
    USER_EXTERNAL_ID_CHANGED("user.external-id-changed"),
    USER_LINKED("user.linked"),
    USER_EMAIL_CONFIRMED("user.email-confirmed"),
    USER_NOTICE_SETTINGS_CHANGED("user.notice-settings-changed"),
    SERVICE_ACCOUNT_CREATED("service-account.created"),
    SERVICE_ACCOUNT_DESCRIPTION_CHANGED("service-account.description-changed"),
    SERVICE_ACCOUNT_ROLES_CHANGED("service-account.roles-changed"),
    SERVICE_ACCOUNT_MANAGERS_CHANGED("service-account.managers-changed"),
    SERVICE_ACCOUNT_DISABLED("service-account.disabled"),
    SERVICE_ACCOUNT_ENABLED("service-account.enabled"),
    SERVICE_ACCOUNT_DELETED("service-account.deleted"),
    SERVICE_ACCOUNT_TRUST_ADDED("service-account.trust-added"),
    SERVICE_ACCOUNT_TRUST_REMOVED("service-account.trust-removed"),
    WEBHOOK_CREATED("webhook.created"),
    WEBHOOK_CHANGED("webhook.changed"),
    WEBHOOK_DELETED("webhook.deleted"),
    WEBHOOK_REDELIVERED("webhook.redelivered"),
    NOTICE_LIMITED("notice.limited");

    private final String wire;

    AuditAction(String wire) {
        this.wire = wire;
    }

    /** The name the audit log stores and filters by. */
    public String wire() {
        return wire;
    }
}
