package io.patgate.domain;

/** What a notice tells (and a webhook subscribes to), in the order the docs list them. */
public enum NoticeEvent {
    EXPIRING(
            Names.EXPIRING,
            "Before a token expires (30, 7 and 1 days by default), and 7 days before an unused one is retired."),
    EXPIRED(Names.EXPIRED, "When a token has expired."),
    REVOKED(Names.REVOKED, "When a token is revoked, with the reason and by whom."),
    NEW_ADDRESS(Names.NEW_ADDRESS, "The first use of a token from an address (an IPv6 /64) it was never used from."),
    LEAK_REPORTED(Names.LEAK_REPORTED, "Someone reported the token's value as leaked (it is revoked)."),
    RETIRED_UNUSED(Names.RETIRED_UNUSED, "A token nobody used for too long was revoked.");

    /** The events' names as compile-time constants, for a {@code switch}. */
    public static final class Names {
        public static final String EXPIRING = "token.expiring";
        public static final String EXPIRED = "token.expired";
        public static final String REVOKED = "token.revoked";
        public static final String NEW_ADDRESS = "token.used-from-new-address";
        public static final String LEAK_REPORTED = "token.leak-reported";
        public static final String RETIRED_UNUSED = "token.retired-unused";

        private Names() {}
    }

    private final String wire;
    private final String description;

    NoticeEvent(String wire, String description) {
        this.wire = wire;
        this.description = description;
    }

    /** The event's name in webhook bodies, subscriptions and the outbox. */
    public String wire() {
        return wire;
    }

    public String description() {
        return description;
    }
}
