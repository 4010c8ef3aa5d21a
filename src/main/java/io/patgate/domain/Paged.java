package io.patgate.domain;

import java.util.List;

/** One page of a list, and the total across all pages (the web answers it in {@code X-Total-Count}). */
public record Paged<T>(List<T> items, long total) {}
