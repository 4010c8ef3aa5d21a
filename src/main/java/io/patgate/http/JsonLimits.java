package io.patgate.http;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** Our bodies are flat; a deeply nested document is an attack on the parser, refused with a 400. */
@Singleton
public class JsonLimits implements ObjectMapperCustomizer {

    static final int MAX_DEPTH = 16;

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(65_536)
                .maxNumberLength(64)
                .build());
    }
}
