package io.patgate.web;

import io.patgate.domain.Paged;
import io.patgate.domain.Refusal;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * {@code ?page=0&size=50}, size at most 500, shared by every list endpoint. Read as text and checked
 * here, so {@code ?page=abc} is a 400 naming the parameter rather than JAX-RS's 404.
 */
public class PageParams {

    public static final int MAX_SIZE = 500;

    /** The header that carries a list's total across all pages. */
    public static final String TOTAL_HEADER = "X-Total-Count";

    /** A page as the API answers it: its items, and the total in {@link #TOTAL_HEADER}. */
    public static Response response(Paged<?> page) {
        return Response.ok(page.items()).header(TOTAL_HEADER, page.total()).build();
    }

    @QueryParam("page")
    @Parameter(
            description = "Page number, from 0",
            schema =
                    @Schema(
                            type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER,
                            defaultValue = "0",
                            minimum = "0"))
    String page;

    @QueryParam("size")
    @Parameter(
            description = "Page size, 1 to 500",
            schema =
                    @Schema(
                            type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER,
                            defaultValue = "50",
                            minimum = "1",
                            maximum = "500"))
    String size;

    /** The furthest a list may be paged into (page × size): far past any real list, far below an int overflow. */
    static final long MAX_OFFSET = 100_000_000;

    public int page() {
        int n = parse("page", page, 0, 0, 10_000_000);
        int perPage = size();
        if ((long) n * perPage > MAX_OFFSET) {
            throw Refusal.invalid("page", "is too far: page × size must be at most " + MAX_OFFSET);
        }
        return n;
    }

    public int size() {
        return parse("size", size, 50, 1, MAX_SIZE);
    }

    private static int parse(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw Refusal.invalid(name, "must be a whole number from " + min + " to " + max);
    }
}
