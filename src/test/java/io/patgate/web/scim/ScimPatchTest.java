package io.patgate.web.scim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patgate.store.ProvisionedUserRepository;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SCIM PATCH and filters without a server: the forms providers send, and what is refused. */
class ScimPatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ScimUsers.State BJENSEN =
            new ScimUsers.State("bjensen", "e-1", "bjensen@example.com", List.of("deploy"), true);

    private static ScimUsers.State patch(String operations) throws Exception {
        JsonNode body = JSON.readTree(
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":" + operations + "}");
        return ScimPatch.apply(BJENSEN, body);
    }

    private static String scimType(Runnable r) {
        return assertThrows(ScimException.class, r::run).error().scimType();
    }

    @Test
    void deactivatesInOktasAndEntrasForms() throws Exception {
        assertFalse(patch("[{\"op\":\"replace\",\"value\":{\"active\":false}}]").active());
        assertFalse(patch("[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}]")
                .active());
        assertTrue(patch("[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"True\"}]")
                .active());
        assertFalse(patch(
                        "[{\"op\":\"replace\",\"path\":\"urn:ietf:params:scim:schemas:core:2.0:User:active\",\"value\":false}]")
                .active());
    }

    @Test
    void changesTheEmailAndRolesAndIgnoresWhatIsNotKept() throws Exception {
        ScimUsers.State s = patch("""
                [{"op":"Replace","path":"emails[type eq \\"work\\"].value","value":"b@example.com"},
                 {"op":"Add","path":"name.givenName","value":"Barbara"},
                 {"op":"add","path":"roles","value":[{"value":"ops"}]},
                 {"op":"remove","path":"roles[value eq \\"deploy\\"]"},
                 {"op":"replace","value":{"externalId":"e-2","displayName":"Babs","password":"x"}}]""");
        assertEquals("b@example.com", s.email());
        assertEquals(List.of("ops"), s.roles());
        assertEquals("e-2", s.externalId());
        assertEquals("", patch("[{\"op\":\"remove\",\"path\":\"emails\"}]").email());
        assertEquals(
                List.of(), patch("[{\"op\":\"remove\",\"path\":\"roles\"}]").roles());
        assertEquals(
                List.of("a", "b"),
                patch("[{\"op\":\"replace\",\"path\":\"roles\",\"value\":[{\"value\":\"a\"},\"b\"]}]")
                        .roles());
    }

    @Test
    void refusesWhatItCannotDo() {
        assertEquals(
                "mutability", scimType(() -> call("[{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"other\"}]")));
        assertEquals("noTarget", scimType(() -> call("[{\"op\":\"remove\"}]")));
        assertEquals("invalidPath", scimType(() -> call("[{\"op\":\"add\",\"path\":\"shoeSize\",\"value\":42}]")));
        assertEquals(
                "invalidValue", scimType(() -> call("[{\"op\":\"replace\",\"path\":\"active\",\"value\":\"yes\"}]")));
        assertEquals("invalidSyntax", scimType(() -> call("[]")));
        assertEquals("invalidSyntax", scimType(() -> call("[{\"op\":\"move\",\"path\":\"active\",\"value\":true}]")));
        assertEquals(
                "invalidFilter",
                scimType(() -> call("[{\"op\":\"remove\",\"path\":\"roles[display co \\\"x\\\"]\"}]")));
        // the same userName in another case is no change
        assertEquals(
                "bjensen",
                call("[{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"BJensen\"}]")
                        .userName());
    }

    private static ScimUsers.State call(String operations) {
        try {
            return patch(operations);
        } catch (ScimException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void filtersOnUserNameAndExternalIdOnly() {
        assertEquals(
                new ProvisionedUserRepository.Filter("bjensen@example.com", null),
                ScimFilter.parse("userName eq \"bjensen@example.com\""));
        assertEquals(new ProvisionedUserRepository.Filter("a\"b", null), ScimFilter.parse("USERNAME EQ \"a\\\"b\""));
        assertEquals(new ProvisionedUserRepository.Filter(null, "00u1"), ScimFilter.parse("externalId eq \"00u1\""));
        assertEquals(
                new ProvisionedUserRepository.Filter("x", null),
                ScimFilter.parse("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"x\""));
        assertEquals(ProvisionedUserRepository.Filter.ALL, ScimFilter.parse(null));
        for (String unsupported : List.of(
                "userName sw \"b\"",
                "userName eq \"a\" or userName eq \"b\"",
                "emails.value eq \"x\"",
                "userName eq b")) {
            assertEquals("invalidFilter", scimType(() -> ScimFilter.parse(unsupported)), unsupported);
        }
    }
}
