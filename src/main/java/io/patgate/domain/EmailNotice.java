package io.patgate.domain;

/** The kinds of notice an owner can choose to be emailed, as stored on the account ({@code emailNotices}). */
public enum EmailNotice {
    EXPIRING(
            "expiring",
            "A token is about to expire",
            "7 days and 1 day before, and a week before a token nobody uses is retired."),
    NEW_ADDRESS(
            "new-address",
            "A token is used from a new address",
            "The first use from an address (or IPv6 network) it was never used from."),
    REVOKED(
            "revoked",
            "A token is revoked by someone else",
            "By an administrator, after a leak report, or retired unused.");

    private final String wire;
    private final String label;
    private final String hint;

    EmailNotice(String wire, String label, String hint) {
        this.wire = wire;
        this.label = label;
        this.hint = hint;
    }

    public String wire() {
        return wire;
    }

    public String label() {
        return label;
    }

    public String hint() {
        return hint;
    }
}
