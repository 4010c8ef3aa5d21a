package io.patgate.web.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patgate.account.Provisioning;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A patgate account as a SCIM User resource (RFC 7643 section 4.1) and back: what is kept ({@code userName},
 * {@code externalId}, {@code active}, one email, {@code roles}), and what a provider may send but patgate does not keep
 * ({@code name}, {@code displayName}, addresses, the enterprise extension...), which is accepted and ignored.
 */
final class ScimUsers {

    /** Attributes a provider's default mappings send that patgate accepts and does not keep. */
    static final Set<String> IGNORED = Set.of(
            "name",
            "displayname",
            "nickname",
            "profileurl",
            "title",
            "usertype",
            "preferredlanguage",
            "locale",
            "timezone",
            "phonenumbers",
            "addresses",
            "ims",
            "photos",
            "x509certificates",
            "entitlements",
            "password",
            "schemas");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The attributes patgate keeps; {@code email} "" or null for none. */
    record State(String userName, String externalId, String email, List<String> roles, boolean active) {

        static State of(Provisioning.Account account) {
            return new State(
                    account.username(), account.externalId(), account.email(), account.roles(), account.active());
        }

        Provisioning.Update asUpdate() {
            return new Provisioning.Update(
                    externalId == null ? "" : externalId, email == null ? "" : email, roles, active);
        }
    }

    private ScimUsers() {}

    /**
     * The User of a POST ({@code current} null) or a PUT ({@code current} the account now). Attributes a PUT leaves out
     * stay as they are: roles an admin granted in patgate, an address, are not wiped by a provider that does not send them.
     */
    static State resource(JsonNode body, State current) {
        if (body == null || !body.isObject()) {
            throw ScimException.invalidSyntax("The body must be a JSON object, a SCIM User");
        }
        JsonNode schemas = body.get("schemas");
        if (schemas != null && !contains(schemas, ScimSchemas.USER)) {
            throw ScimException.invalidSyntax("\"schemas\" must name " + ScimSchemas.USER);
        }
        JsonNode name = body.get("userName");
        if (name == null || name.isNull()) {
            throw ScimException.invalidValue("userName is required");
        }
        String userName = text("userName", name);
        if (current != null && !userName.equalsIgnoreCase(current.userName())) {
            throw ScimException.mutability(
                    "userName cannot change in patgate (it names the account in tokens and audit)");
        }
        JsonNode externalId = body.get("externalId");
        JsonNode active = body.get("active");
        JsonNode emails = body.get("emails");
        JsonNode roles = body.get("roles");
        return new State(
                current == null ? userName : current.userName(),
                externalId == null
                        ? current == null ? null : current.externalId()
                        : externalId.isNull() ? "" : text("externalId", externalId),
                emails == null
                        ? current == null ? null : current.email()
                        : emails.isNull() ? "" : orNone(email(emails)),
                roles == null
                        ? current == null ? List.of() : current.roles()
                        : roles.isNull() ? List.of() : roles(roles),
                active == null ? current == null || current.active() : bool("active", active));
    }

    /** The account as a SCIM User; {@code base} is this server's {@code /scim/v2/} URL. */
    static ObjectNode render(Provisioning.Account account, URI base) {
        ObjectNode user = JSON.objectNode();
        user.putArray("schemas").add(ScimSchemas.USER);
        user.put("id", account.id().toString());
        if (account.externalId() != null) {
            user.put("externalId", account.externalId());
        }
        user.put("userName", account.username());
        user.put("active", account.active());
        ArrayNode emails = user.putArray("emails");
        if (account.email() != null) {
            emails.addObject().put("value", account.email()).put("type", "work").put("primary", true);
        }
        ArrayNode roles = user.putArray("roles");
        account.roles().forEach(role -> roles.addObject().put("value", role));
        ObjectNode meta = user.putObject("meta");
        meta.put("resourceType", "User");
        meta.put("created", account.createdAt().toString());
        meta.put("lastModified", account.updatedAt().toString());
        meta.put("location", location(account, base).toString());
        meta.put("version", etag(account));
        return user;
    }

    static URI location(Provisioning.Account account, URI base) {
        return base.resolve("Users/" + account.id());
    }

    /** A weak ETag from the row version, which every change raises. */
    static String etag(Provisioning.Account account) {
        return "W/\"" + account.version() + "\"";
    }

    static String withoutCoreSchema(String path) {
        String prefix = ScimSchemas.USER + ":";
        return path.regionMatches(true, 0, prefix, 0, prefix.length()) ? path.substring(prefix.length()) : path;
    }

    static boolean isExtension(String path) {
        return path.toLowerCase(Locale.ROOT).startsWith("urn:ietf:params:scim:schemas:extension:");
    }

    static boolean contains(JsonNode array, String value) {
        if (!array.isArray()) {
            return false;
        }
        for (JsonNode item : array) {
            if (item.isTextual() && item.asText().equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }

    static ArrayNode arrayOf(JsonNode value) {
        return JSON.arrayNode().add(value);
    }

    /** A SCIM boolean: JSON true/false, or Entra ID's "True"/"False" strings. */
    static boolean bool(String attribute, JsonNode value) {
        if (value != null && value.isBoolean()) {
            return value.booleanValue();
        }
        if (value != null
                && value.isTextual()
                && (value.asText().equalsIgnoreCase("true") || value.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(value.asText().toLowerCase(Locale.ROOT));
        }
        throw ScimException.invalidValue(attribute + " must be true or false");
    }

    static String text(String attribute, JsonNode value) {
        if (value == null || !value.isTextual()) {
            throw ScimException.invalidValue(attribute + " must be a string");
        }
        return value.asText();
    }

    /** The address a multi-valued {@code emails} names: the primary one, else the first; null for an empty list. */
    static String email(JsonNode emails) {
        if (!emails.isArray()) {
            throw ScimException.invalidValue("emails must be an array of {\"value\",\"type\",\"primary\"}");
        }
        String first = null;
        for (JsonNode email : emails) {
            String value = text("emails.value", email.isObject() ? email.get("value") : email);
            if (email.path("primary").asBoolean(false)
                    || email.path("primary").asText("").equalsIgnoreCase("true")) {
                return value;
            }
            first = first == null ? value : first;
        }
        return first;
    }

    /** The role names of a multi-valued {@code roles}: objects with {@code value} (Okta, Entra ID) or bare strings. */
    static List<String> roles(JsonNode roles) {
        if (!roles.isArray()) {
            throw ScimException.invalidValue("roles must be an array of {\"value\"}");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode role : roles) {
            out.add(text("roles.value", role.isObject() ? role.get("value") : role));
        }
        return out;
    }

    private static String orNone(String email) {
        return email == null ? "" : email;
    }
}
