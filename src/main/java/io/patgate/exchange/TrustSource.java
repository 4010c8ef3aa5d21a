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
}
