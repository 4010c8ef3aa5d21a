package io.patgate.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The hand-written introspection JSON is valid JSON that any parser reads back to the same values, whatever a name holds. */
class IntrospectionJsonTest {

    private final ObjectMapper parser = new ObjectMapper();

    @Test
    void anActiveAnswerParsesBackToItsValuesWithHostileCharactersEscaped() throws Exception {
        String awkward = "qu\"ote\\back\nline\ttab\u0001ctl\u2028sep é";
        Introspection answer = new Introspection(true, "8a3c", awkward, "deploy read", 1_900_000_000L, 1_700_000_000L, "jti-1",
                "Bearer", "pat");
        JsonNode parsed = parser.readTree(answer.json());
        assertEquals(true, parsed.get("active").asBoolean());
        assertEquals(awkward, parsed.get("username").asText());
        assertEquals("deploy read", parsed.get("scope").asText());
        assertEquals(1_900_000_000L, parsed.get("exp").asLong());
        assertEquals(1_700_000_000L, parsed.get("iat").asLong());
        assertEquals("Bearer", parsed.get("token_type").asText());
        assertEquals("pat", parsed.get("patgate_credential").asText());
        assertFalse(answer.json().contains("\u2028"), "line separators are escaped for JavaScript readers too");
    }

    @Test
    void missingMembersAreLeftOutAndAnInactiveAnswerSaysOnlyThat() throws Exception {
        JsonNode noExpiry = parser.readTree(new Introspection(true, "u", "n", "", null, 5L, "j", "Bearer", "session").json());
        assertFalse(noExpiry.has("exp"));
        assertEquals("{\"active\":false}", Introspection.INACTIVE.json());
    }
}
