package io.patgate.web.scim;

import io.patgate.store.ProvisionedUserRepository;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filters of {@code GET /scim/v2/Users} that patgate answers (RFC 7644 section 3.4.2.2): {@code userName eq "..."}
 * (case-insensitive, as userName is not caseExact) and {@code externalId eq "..."} (exact), which are what Okta and Entra
 * ID send to find a person before creating them. Anything else is a 400 {@code invalidFilter}, never an unfiltered list.
 */
final class ScimFilter {

    private static final String CORE = ScimSchemas.USER.toLowerCase(Locale.ROOT) + ":";
    private static final Pattern EQ =
            Pattern.compile("^\\s*([A-Za-z][\\w:.-]*)\\s+(?i:eq)\\s+\"((?:[^\"\\\\]|\\\\.)*)\"\\s*$");
    private static final int MAX_LENGTH = 1024;

    private ScimFilter() {}

    static ProvisionedUserRepository.Filter parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return ProvisionedUserRepository.Filter.ALL;
        }
        if (filter.length() > MAX_LENGTH) {
            throw ScimException.invalidFilter("The filter is longer than " + MAX_LENGTH + " characters");
        }
        Matcher m = EQ.matcher(filter);
        if (!m.matches()) {
            throw unsupported(filter);
        }
        String attribute = m.group(1).toLowerCase(Locale.ROOT);
        if (attribute.startsWith(CORE)) {
            attribute = attribute.substring(CORE.length());
        }
        String value = m.group(2).replaceAll("\\\\(.)", "$1");
        return switch (attribute) {
            case "username" -> new ProvisionedUserRepository.Filter(value, null);
            case "externalid" -> new ProvisionedUserRepository.Filter(null, value);
            default -> throw unsupported(filter);
        };
    }

    private static ScimException unsupported(String filter) {
        return ScimException.invalidFilter(
                "Unsupported filter '" + filter + "': patgate answers userName eq \"...\" and externalId eq \"...\"");
    }
}
