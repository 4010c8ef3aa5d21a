package io.patgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.patgate.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alert rules in src/main/monitoring refer only to metrics a running
 * patgate publishes: a renamed metric breaks this test, not the on-call's dashboard at 3 a.m.
 */
@QuarkusTest
class MonitoringTest {

    /** Names in a PromQL expression that are metrics: ours, the HTTP server's and the JVM's. */
    private static final Pattern METRIC =
            Pattern.compile("\\b((?:patgate|http_server|jvm|process|postgresql)_[a-zA-Z0-9_]+)\\b");

    private static final List<String> SUFFIXES = List.of("", "_bucket", "_count", "_sum", "_max", "_total");

    /** Every series name /q/metrics publishes now (names only, without labels). */
    private static Set<String> published() {
        io.restassured.RestAssured.get("/.well-known/jwks.json")
                .then()
                .statusCode(200); // a server that has served a request
        String text = Api.management()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
                names.add(line.substring(0, end));
            }
        }
        return names;
    }

    private static List<String> metricsIn(List<String> expressions) {
        List<String> used = new ArrayList<>();
        for (String expr : expressions) {
            // label values may look like metric names ("http_server..." is never one, but be strict): drop quoted
            // strings
            Matcher m = METRIC.matcher(expr.replaceAll("\"[^\"]*\"", "\"\""));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        return used;
    }

    private static void allExist(String what, List<String> expressions) {
        List<String> used = metricsIn(expressions);
        assertTrue(used.size() >= 8, what + " refers to metrics: " + used);
        Set<String> published = published();
        List<String> missing = used.stream()
                .distinct()
                .filter(name -> published.stream()
                        .noneMatch(p -> SUFFIXES.stream().anyMatch(s -> p.equals(name + s) || name.equals(p + s))))
                .toList();
        assertEquals(List.of(), missing, what + " refers to metrics /q/metrics does not publish");
    }

    @Test
    void theDashboardShowsOnlyMetricsThatExist() throws Exception {
        JsonNode dashboard =
                new ObjectMapper().readTree(Files.readString(Path.of("src/main/monitoring/grafana-dashboard.json")));
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertFalse(panel.path("title").asText().isBlank(), "every panel has a title");
            for (JsonNode target : panel.get("targets")) {
                expressions.add(target.get("expr").asText());
            }
        }
        assertTrue(expressions.size() >= 10);
        allExist("the dashboard", expressions);
    }

    @Test
    void theAlertRulesWatchOnlyMetricsThatExist() throws Exception {
        JsonNode rules =
                new YAMLMapper().readTree(Files.readString(Path.of("src/main/monitoring/prometheus-rules.yaml")));
        List<String> expressions = new ArrayList<>();
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                alerts.add(rule.get("alert").asText());
                expressions.add(rule.get("expr").asText());
                assertTrue(rule.path("labels").has("severity"), rule.get("alert") + " has a severity");
                assertFalse(
                        rule.path("annotations").path("summary").asText().isBlank(),
                        rule.get("alert") + " says what is wrong");
            }
        }
        // the four the on-call needs most
        assertTrue(
                alerts.containsAll(Set.of(
                        "PatgateReplicaStale", "PatgateDatabaseDown", "PatgateCheckErrors", "PatgatePropagationSlow")),
                alerts.toString());
        allExist("the alert rules", expressions);
    }
}
