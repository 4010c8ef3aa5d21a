package io.patgate.account.sso;

/** A single sign-on that ends on the sign-in page with {@link #error()}; {@link #getMessage()} is the audit log's detail. */
public class SsoException extends RuntimeException {

    private final SsoError error;

    public SsoException(SsoError error, String detail) {
        super(detail, null, false, false);
        this.error = error;
    }

    public SsoError error() {
        return error;
    }
}
