package io.patgate.exchange;

/**
 * An issuer's discovery document or key set could not be had: refused by the request-forgery guard, unreachable,
 * slow, too large, not JSON, or not what it should be. The message is for the log (it names the URL and what went
 * wrong, never a token); the caller of the exchange only learns that the issuer could not be reached.
 */
public final class IssuerUnavailable extends RuntimeException {

    public IssuerUnavailable(String message) {
        // no stack trace: an outside server misbehaving is an answer, not a bug of ours
        super(message, null, false, false);
    }
}
