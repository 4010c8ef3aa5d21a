package io.patgate.web.scim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SCIM PATCH (RFC 7644 section 3.5.2) applied to a user's attributes, with no database: the forms Okta sends
 * ({@code {"op":"replace","value":{"active":false}}}, no path) and those Entra ID sends ({@code {"op":"Replace",
 * "path":"active","value":"False"}}: a capitalised op, booleans as strings, {@code emails[type eq "work"].value},
 * {@code name.givenName}), {@code add}/{@code remove} of roles and emails. Attributes patgate does not keep (names,
 * addresses, the enterprise extension) are accepted and ignored, so a provider's default mappings work; unknown ones are
 * a 400 {@code invalidPath}.
 */
final class ScimPatch {

    static final String SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private static final int MAX_OPERATIONS = 100;
    private static final Pattern PATH =
            Pattern.compile("^([A-Za-z][\\w$-]*)(?:\\[([^\\]]*)\\])?(?:\\.([A-Za-z][\\w$-]*))?$");
    private static final Pattern ROLE_FILTER = Pattern.compile("^\\s*(?i:value)\\s+(?i:eq)\\s+\"([^\"]*)\"\\s*$");

    private ScimPatch() {}

    /** {@code current} after the operations of {@code body}. */
    static ScimUsers.State apply(ScimUsers.State current, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ScimException.invalidSyntax("A PATCH body is a JSON object with \"Operations\"");
        }
        JsonNode schemas = body.get("schemas");
        if (schemas != null && !ScimUsers.contains(schemas, SCHEMA)) {
            throw ScimException.invalidSyntax("\"schemas\" must name " + SCHEMA);
        }
        JsonNode operations = body.get("Operations");
        if (operations == null) {
            operations = body.get("operations");
        }
        if (operations == null || !operations.isArray() || operations.isEmpty() || operations.size() > MAX_OPERATIONS) {
            throw ScimException.invalidSyntax(
                    "\"Operations\" must be an array of 1 to " + MAX_OPERATIONS + " operations");
        }
        Target target = new Target(current);
        for (JsonNode operation : operations) {
            if (!operation.isObject() || !operation.path("op").isTextual()) {
                throw ScimException.invalidSyntax("Each operation is an object with \"op\"");
            }
            String op = operation.get("op").asText().toLowerCase(Locale.ROOT);
            if (!Set.of("add", "replace", "remove").contains(op)) {
                throw ScimException.invalidSyntax("\"op\" must be add, replace or remove, not '"
                        + operation.get("op").asText() + "'");
            }
            JsonNode path = operation.get("path");
            JsonNode value = operation.get("value");
            if (path == null || path.isNull()) {
                if (op.equals("remove")) {
                    throw ScimException.noTarget("A remove operation needs a \"path\"");
                }
                if (value == null || !value.isObject()) {
                    throw ScimException.invalidSyntax("Without a \"path\", \"value\" must be an object of attributes");
                }
                for (Map.Entry<String, JsonNode> attribute : value.properties()) {
                    target.set(op, attribute.getKey(), attribute.getValue());
                }
            } else if (path.isTextual()) {
                target.set(op, path.asText(), value);
            } else {
                throw ScimException.invalidSyntax("\"path\" must be a string");
            }
        }
        return target.state();
    }

    /** The attributes being patched. */
    private static final class Target {
        private final String userName;
        private String externalId;
        private String email;
        private final Set<String> roles;
        private boolean active;

        Target(ScimUsers.State current) {
            userName = current.userName();
            externalId = current.externalId();
            email = current.email();
            roles = new LinkedHashSet<>(current.roles());
            active = current.active();
        }

        ScimUsers.State state() {
            return new ScimUsers.State(userName, externalId, email, new ArrayList<>(roles), active);
        }

        void set(String op, String rawPath, JsonNode value) {
            String path = ScimUsers.withoutCoreSchema(rawPath.trim());
            if (ScimUsers.isExtension(path)) {
                return; // the enterprise extension (department, manager, ...): not kept
            }
            Matcher m = PATH.matcher(path);
            if (!m.matches()) {
                throw ScimException.invalidPath("Unsupported path '" + rawPath + "'");
            }
            String attribute = m.group(1).toLowerCase(Locale.ROOT);
            String filter = m.group(2);
            String sub = m.group(3);
            boolean remove = op.equals("remove");
            if (remove == false && value == null) {
                throw ScimException.invalidSyntax("'" + op + "' of '" + rawPath + "' needs a \"value\"");
            }
            switch (attribute) {
                case "active" -> {
                    if (remove) {
                        throw ScimException.mutability(
                                "\"active\" cannot be removed; replace it with false to deactivate");
                    }
                    active = ScimUsers.bool("active", value);
                }
                case "externalid" -> externalId = remove ? "" : ScimUsers.text("externalId", value);
                case "username" -> {
                    if (remove || !ScimUsers.text("userName", value).equalsIgnoreCase(userName)) {
                        throw ScimException.mutability(
                                "userName cannot change in patgate (it names the account in tokens and audit)");
                    }
                }
                case "emails" -> email(remove, filter, sub, value);
                case "roles" -> roles(op, filter, value);
                case "id", "meta", "groups" -> throw ScimException.mutability("'" + rawPath + "' is read-only");
                default -> {
                    if (!ScimUsers.IGNORED.contains(attribute)) {
                        throw ScimException.invalidPath("Unknown attribute '" + rawPath + "'");
                    }
                }
            }
        }

        /** One address is kept: {@code emails[type eq "work"].value}, the primary of a list, or the first. */
        private void email(boolean remove, String filter, String sub, JsonNode value) {
            if (filter != null || sub != null) {
                if (sub != null && !sub.equalsIgnoreCase("value")) {
                    return; // .type, .primary, .display: nothing patgate keeps
                }
                email = remove ? "" : ScimUsers.text("emails.value", value);
            } else if (remove) {
                email = "";
            } else {
                String chosen = ScimUsers.email(value.isArray() ? value : ScimUsers.arrayOf(value));
                if (chosen != null) {
                    email = chosen;
                }
            }
        }

        private void roles(String op, String filter, JsonNode value) {
            if (filter != null) {
                Matcher m = ROLE_FILTER.matcher(filter);
                if (!m.matches()) {
                    throw ScimException.invalidFilter(
                            "Unsupported roles filter '" + filter + "': use roles[value eq \"...\"]");
                }
                if (op.equals("remove")) {
                    roles.remove(m.group(1));
                } else {
                    roles.add(m.group(1));
                }
                return;
            }
            List<String> given =
                    value == null ? null : ScimUsers.roles(value.isArray() ? value : ScimUsers.arrayOf(value));
            switch (op) {
                case "add" -> roles.addAll(given);
                case "replace" -> {
                    roles.clear();
                    roles.addAll(given);
                }
                default -> {
                    if (given == null) {
                        roles.clear();
                    } else {
                        given.forEach(roles::remove);
                    }
                }
            }
        }
    }
}
