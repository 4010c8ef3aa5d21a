package io.patgate.web;

import io.patgate.audit.CallerAddress;
import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/** The audit trail's {@link CallerAddress}: the request in the current request context, read by {@link ClientAddress}. */
@ApplicationScoped
public class RequestCallerAddress implements CallerAddress {

    private final ClientAddress clientAddress;
    private final Instance<CurrentVertxRequest> request;

    public RequestCallerAddress(ClientAddress clientAddress, Instance<CurrentVertxRequest> request) {
        this.clientAddress = clientAddress;
        this.request = request;
    }

    @Override
    public String current() {
        if (!Arc.container().requestContext().isActive() || !request.isResolvable()) {
            return null;
        }
        CurrentVertxRequest current = request.get();
        return current.getCurrent() == null
                ? null
                : clientAddress.of(current.getCurrent().request());
    }
}
