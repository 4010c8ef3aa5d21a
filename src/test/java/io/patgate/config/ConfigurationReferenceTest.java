package io.patgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.ConfigMappings.ConfigClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md against {@link PatgateConfig}, so the reference cannot drift from the code. Plain JUnit, no
 * Quarkus: the property names and defaults come from SmallRye Config's own reading of the mapping interface (kebab-case
 * names, {@code @WithName}, {@code @WithParentName}, {@code @WithDefault}, nested groups), the very names a deployment
 * sets. Each failure names the property and what to do.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("docs/configuration.md");

    /** A table row: | `property` | `ENV_VAR` | default | meaning |. */
    private static final Pattern ROW =
            Pattern.compile("^\\|\\s*`([a-z][a-z0-9.\\-\"*]*)`\\s*\\|\\s*`([A-Z0-9_]+)`\\s*\\|([^|]*)\\|.*\\|\\s*$");

    /** Variables the code and the manifests tell operators to set, besides the patgate.* ones. */
    private static final Pattern QUARKUS_VARIABLE = Pattern.compile("\\bQUARKUS_[A-Z0-9_]+[A-Z0-9]\\b");

    record Row(String property, String variable, String defaultColumn, int line) {}

    /** Every patgate.* property, by its full name, with its default (null for none). */
    static Map<String, String> properties() {
        Map<String, String> properties =
                new TreeMap<>(ConfigClass.configClass(PatgateConfig.class).getProperties());
        properties
                .keySet()
                .removeIf(name -> name.endsWith("[*]")); // a list's elements, documented under the list's name
        assertTrue(
                properties.size() > 50, () -> "SmallRye Config saw only " + properties.keySet() + " in PatgateConfig");
        return properties;
    }

    static List<Row> rows() throws IOException {
        List<String> lines = Files.readAllLines(REFERENCE);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher row = ROW.matcher(lines.get(i));
            if (row.matches()) {
                rows.add(new Row(row.group(1), row.group(2), row.group(3).trim(), i + 1));
            }
        }
        assertTrue(
                rows.size() > 50,
                "docs/configuration.md has no configuration table any more (" + rows.size() + " rows)");
        return rows;
    }

    /** The environment variable SmallRye Config reads for a property: upper case, every other character an underscore. */
    static String variable(String property) {
        return property.toUpperCase().replaceAll("[^A-Z0-9]", "_");
    }

    @Test
    void everyPropertyIsDocumentedAndEveryDocumentedPropertyExists() throws IOException {
        Set<String> inCode = properties().keySet();
        Set<String> documented = rows().stream()
                .map(Row::property)
                .filter(p -> p.startsWith("patgate."))
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> problems = new ArrayList<>();
        inCode.stream()
                .filter(p -> !documented.contains(p))
                .forEach(p -> problems.add(p + " is in PatgateConfig but not in docs/configuration.md: add a row ("
                        + "`" + p + "` | `" + variable(p) + "` | default | meaning)"));
        documented.stream()
                .filter(p -> !inCode.contains(p))
                .forEach(p -> problems.add(p + " is in docs/configuration.md but PatgateConfig has no such property: "
                        + "remove its row, or correct its name"));
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void eachPropertyHasOneRowAndItsVariableIsTheOneSmallRyeReads() throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Row row : rows()) {
            Integer before = seen.put(row.property(), row.line());
            if (before != null) {
                problems.add(row.property() + " has two rows, lines " + before + " and " + row.line() + ": keep one");
            }
            if (!row.variable().equals(variable(row.property()))) {
                problems.add(row.property() + " (line " + row.line() + ") is set with " + variable(row.property())
                        + ", not " + row.variable());
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void documentedDefaultsAreTheCodes() throws IOException {
        Map<String, String> inCode = properties();
        List<String> problems = new ArrayList<>();
        for (Row row : rows()) {
            if (!inCode.containsKey(row.property())) {
                continue; // reported by the test above
            }
            String codeDefault = inCode.get(row.property());
            String column = row.defaultColumn();
            if (codeDefault != null && !column.startsWith("`" + codeDefault + "`")) {
                problems.add(row.property() + " (line " + row.line() + ") defaults to `" + codeDefault
                        + "` in PatgateConfig; the reference says " + column);
            }
            if (codeDefault == null && column.startsWith("`")) {
                problems.add(row.property() + " (line " + row.line() + ") has no @WithDefault in PatgateConfig; the "
                        + "reference claims " + column + ": say what happens when it is unset");
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    /**
     * The Quarkus settings are Quarkus's, so they are not checked against a class; but every QUARKUS_* variable the code
     * or the Kubernetes manifests tell an operator to set (the start-up validation's messages, the Deployment's env) has
     * a row.
     */
    @Test
    void quarkusVariablesOperatorsAreToldToSetAreDocumented() throws IOException {
        Set<String> documented = rows().stream().map(Row::variable).collect(Collectors.toSet());
        Set<String> told = new TreeSet<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("src/main/kubernetes"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Matcher variable = QUARKUS_VARIABLE.matcher(Files.readString(file));
                    while (variable.find()) {
                        told.add(variable.group() + " (" + file + ")");
                    }
                }
            }
        }
        List<String> missing = told.stream()
                .filter(t -> !documented.contains(t.substring(0, t.indexOf(' '))))
                .toList();
        assertEquals(List.of(), missing, "named in the code or manifests but not in docs/configuration.md: " + missing);
    }
}
