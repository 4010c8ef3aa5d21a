package io.patgate.exchange;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Where the trust entries come from (the service accounts' trust API implements it over its table). The token
 * exchange asks once per exchange, with the {@code iss} of the subject token as it stands, before any key of that
 * issuer is read: an issuer no trust names is refused without a request to it.
 */
public interface TrustSource {

    /**
     * The trust entries whose issuer is exactly {@code issuer}, of service accounts that are enabled (an entry of a
     * disabled or deleted account must not be returned), in a stable order (the first entry that accepts a token is
     * the one used). An empty list when there are none.
     */
    Uni<List<Trust>> trustsFor(String issuer);

    /**
     * The same entries as they stand where they are written, for a source whose {@link #trustsFor} answers from a copy
     * that may trail it (a replica's memory behind the change feed); null for a source with no such copy. An exchange
     * the copy refused for want of a matching trust is judged once more with this one, so a trust created, or an
     * account enabled, a moment ago through another replica is honoured at once.
     */
    default TrustSource current() {
        return null;
    }
}
