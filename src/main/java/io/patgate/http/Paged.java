package io.patgate.http;

import jakarta.ws.rs.core.Response;

import java.util.List;

/** One page of a list, and the total across all pages (answered in {@code X-Total-Count}). */
public record Paged<T>(List<T> items, long total) {

    public static final String TOTAL_HEADER = "X-Total-Count";

    public Response toResponse() {
        return Response.ok(items).header(TOTAL_HEADER, total).build();
    }
}
