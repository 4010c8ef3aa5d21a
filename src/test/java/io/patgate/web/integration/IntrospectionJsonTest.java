package io.patgate.web.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The hand-written introspection JSON is valid JSON that any parser reads back to the same values, whatever a name holds. */
class IntrospectionJsonTest {

    private final ObjectMapper parser = new ObjectMapper();

    @Test
    void anActiveAnswerParsesBackToItsValuesWithHostileCharactersEscaped() throws Exception {
        String awkward = "qu\"ote\\back\nline\ttab\u0001ctl\u2028sep é";
        Introspection answer = new Introspection(
                true, "8a3c", awkward, "deploy read", 1_900_000_000L, 1_700_000_000L, "jti-1", "Bearer", "pat", null);
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
    void aFencedTokensNetworksAreAnArrayOfStrings() throws Exception {
        JsonNode parsed = parser.readTree(new Introspection(
                        true,
                        "u",
                        "n",
                        "deploy",
                        1L,
                        1L,
                        "j",
                        "Bearer",
                        "pat",
                        java.util.List.of("10.0.0.0/8", "2001:db8::/32"))
                .json());
        assertEquals(2, parsed.get("allowed_cidrs").size());
        assertEquals("10.0.0.0/8", parsed.get("allowed_cidrs").get(0).asText());
        assertEquals("2001:db8::/32", parsed.get("allowed_cidrs").get(1).asText());
    }

    @Test
    void missingMembersAreLeftOutAndAnInactiveAnswerSaysOnlyThat() throws Exception {
        JsonNode noExpiry =
                parser.readTree(new Introspection(true, "u", "n", "", null, 5L, "j", "Bearer", "session", null).json());
        assertFalse(noExpiry.has("exp"));
        assertFalse(noExpiry.has("allowed_cidrs"), "an unfenced token has no allowed_cidrs member");
        assertEquals("{\"active\":false}", Introspection.INACTIVE.json());
    }
}
