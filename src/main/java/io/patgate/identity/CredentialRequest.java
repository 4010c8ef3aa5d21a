package io.patgate.identity;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * A credential taken from the {@code Authorization} header: a bearer token, or a personal access token
 * given as the password of HTTP Basic ({@code basicUsername} is then the username it came with).
 */
public final class CredentialRequest extends BaseAuthenticationRequest {

    private final String token;
    private final String basicUsername;
    private final String clientAddress;

    public CredentialRequest(String token, String basicUsername, String clientAddress) {
        this.token = token;
        this.basicUsername = basicUsername;
        this.clientAddress = clientAddress;
    }

    public String token() {
        return token;
    }

    public String basicUsername() {
        return basicUsername;
    }

    public String clientAddress() {
        return clientAddress;
    }

    @Override
    public String toString() {
        return "CredentialRequest[basic=" + (basicUsername != null) + "]"; // never the token
    }
}
