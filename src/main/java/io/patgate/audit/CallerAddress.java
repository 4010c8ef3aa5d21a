package io.patgate.audit;

/**
 * Where the request being served comes from, for the audit trail: the web answers it (the client address behind
 * any trusted proxies); null outside a request (a scheduled job, start-up).
 */
public interface CallerAddress {

    /** The current request's client address, or null when no request is being served. */
    String current();
}
