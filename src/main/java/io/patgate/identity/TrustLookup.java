package io.patgate.identity;

import io.smallrye.mutiny.Uni;

/**
 * Reads one issuer's trust entries, and the accounts they belong to, from the primary into memory ({@link TrustState},
 * {@link IdentityState}): for a token exchange that memory alone would refuse, in case the change feed has not yet
 * brought a trust created, or an account enabled, a moment ago on another replica. Implemented by the replica's
 * loader; an exchange memory accepts never calls it.
 */
public interface TrustLookup {

    /**
     * Takes in the live entries of {@code issuer} as the primary holds them now, unless memory holds a newer copy or a
     * full reload replaced memory meanwhile (the same rule as a token read); a removal memory has seen stays final.
     *
     * @return how many live entries the primary holds for {@code issuer}
     */
    Uni<Integer> readIssuer(String issuer);
}
