package io.patgate.web.scim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.List;

/**
 * SCIM's discovery documents (RFC 7644 section 4, RFC 7643 sections 5-7): what this server supports, said the way
 * provisioning clients read it. Users only (no Groups: roles travel in the User's {@code roles}); PATCH and the
 * {@code eq} filters on userName and externalId; no bulk, sort, password change or ETag preconditions.
 */
final class ScimSchemas {

    static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    static final String CONFIG = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    static final String RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    static final String SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";
    static final int MAX_RESULTS = 500;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ScimSchemas() {}

    static ObjectNode serviceProviderConfig(URI base) {
        ObjectNode config = JSON.objectNode();
        config.putArray("schemas").add(CONFIG);
        config.putObject("patch").put("supported", true);
        config.putObject("bulk").put("supported", false).put("maxOperations", 0).put("maxPayloadSize", 0);
        config.putObject("filter").put("supported", true).put("maxResults", MAX_RESULTS);
        config.putObject("changePassword").put("supported", false);
        config.putObject("sort").put("supported", false);
        config.putObject("etag").put("supported", false);
        config.putArray("authenticationSchemes")
                .addObject()
                .put("type", "oauthbearertoken")
                .put("name", "Bearer token")
                .put(
                        "description",
                        "A patgate personal access token (typically a service account's) whose effective scopes include 'scim'")
                .put("primary", true);
        meta(config, "ServiceProviderConfig", base.resolve("ServiceProviderConfig"));
        return config;
    }

    static ObjectNode userResourceType(URI base) {
        ObjectNode type = JSON.objectNode();
        type.putArray("schemas").add(RESOURCE_TYPE);
        type.put("id", "User")
                .put("name", "User")
                .put("endpoint", "/Users")
                .put("description", "A person's patgate account")
                .put("schema", USER);
        type.putArray("schemaExtensions");
        meta(type, "ResourceType", base.resolve("ResourceTypes/User"));
        return type;
    }

    static ObjectNode userSchema(URI base) {
        ObjectNode schema = JSON.objectNode();
        schema.putArray("schemas").add(SCHEMA);
        schema.put("id", USER).put("name", "User").put("description", "A person's patgate account");
        ArrayNode attributes = schema.putArray("attributes");
        attributes.add(attribute(
                "userName",
                "string",
                false,
                true,
                "readWrite",
                "server",
                "The patgate username (case-insensitive, unique); it cannot change once created"));
        attributes.add(attribute(
                "externalId", "string", false, false, "readWrite", "none", "The provider's own id for the person"));
        attributes.add(
                attribute(
                        "active",
                        "boolean",
                        false,
                        false,
                        "readWrite",
                        "none",
                        "false disables the account: every session and token of it ends at once, and tokens stay revoked when it is reactivated"));
        ObjectNode emails = attribute(
                "emails",
                "complex",
                true,
                false,
                "readWrite",
                "none",
                "One address is kept (the primary, or the first): where notices go once the person confirms it");
        emails.putArray("subAttributes")
                .add(attribute("value", "string", false, false, "readWrite", "none", "The address"))
                .add(attribute("type", "string", false, false, "readWrite", "none", "Always 'work' when read"))
                .add(attribute("primary", "boolean", false, false, "readWrite", "none", "Always true when read"));
        attributes.add(emails);
        ObjectNode roles = attribute(
                "roles",
                "complex",
                true,
                false,
                "readWrite",
                "none",
                "The account's roles; 'admin', 'introspect' and 'scim' are granted only by a patgate admin, never by provisioning");
        roles.putArray("subAttributes")
                .add(attribute("value", "string", false, true, "readWrite", "none", "The role name"));
        attributes.add(roles);
        meta(schema, "Schema", base.resolve("Schemas/" + USER));
        return schema;
    }

    private static ObjectNode attribute(
            String name,
            String type,
            boolean multiValued,
            boolean required,
            String mutability,
            String uniqueness,
            String description) {
        ObjectNode a = JSON.objectNode();
        a.put("name", name)
                .put("type", type)
                .put("multiValued", multiValued)
                .put("description", description)
                .put("required", required)
                .put("caseExact", false)
                .put("mutability", mutability)
                .put("returned", "default")
                .put("uniqueness", uniqueness);
        return a;
    }

    /** A ListResponse of {@code resources}, all on one page. */
    static ObjectNode list(List<ObjectNode> resources, long total, int startIndex) {
        ObjectNode list = JSON.objectNode();
        list.putArray("schemas").add(LIST);
        list.put("totalResults", total);
        list.put("itemsPerPage", resources.size());
        list.put("startIndex", startIndex);
        list.putArray("Resources").addAll(resources);
        return list;
    }

    private static void meta(ObjectNode document, String resourceType, URI location) {
        document.putObject("meta").put("resourceType", resourceType).put("location", location.toString());
    }
}
