package io.patgate.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

/**
 * The package map of the architecture notes ({@code docs/architecture.md}), enforced. Plain JUnit, no Quarkus: it
 * reads the compiled classes of {@code src/main} and runs in a fraction of a second.
 *
 * <pre>
 * startup, dev                      boot: start-up order, readiness, the embedded database of dev mode
 * web                               every entry point: JAX-RS resources and the hot Vert.x routes (by area in
 *                                   web.account, web.token, ..., SCIM 2.0 in web.scim), and the HTTP machinery: auth mechanism, problems,
 *                                   paging, client address, request ids, guards
 * integration                       for other services: key rotation, the revocation reports' limit
 * exchange                          RFC 8693: subject tokens of outside issuers, their keys (read through notice's guard)
 * notice                            notices leave: webhooks, dispatch, delivery, email, the time-based scan
 * token                             personal access tokens: policy, service, revocation, queries
 * account                           users, service accounts, logins (passwords and single sign-on), sessions
 * revocation                        the one way a token is revoked: lock, revoke, audit, notice, publish
 * audit                             the audit trail, and the notices raised beside it (the outbox)
 * replica                           the state feed: loads the in-memory state and keeps it in step with the database
 * store                             PostgreSQL: entities, repositories, SQL
 * identity                          the per-request check: signatures and the in-memory state
 * runtime, domain, config           the process (heap release); pure rules, names and vocabularies; settings
 * </pre>
 * Each layer may use only the layers below it; nothing below {@code web} knows HTTP.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.patgate");

    /** Where PostgreSQL is spoken: the reactive client, Hibernate, Panache, JPA. */
    private static final String[] DATABASE = {
        "io.vertx.sqlclient..",
        "io.vertx.mutiny.sqlclient..",
        "io.vertx.pgclient..",
        "io.vertx.mutiny.pgclient..",
        "org.hibernate..",
        "io.quarkus.hibernate..",
        "io.quarkus.panache..",
        "jakarta.persistence.."
    };

    /** HTTP: JAX-RS, RESTEasy Reactive, Vert.x Web's routing, and the web package itself. */
    private static final String[] HTTP = {
        "jakarta.ws.rs..", "org.jboss.resteasy..", "io.vertx.ext.web..", "io.vertx.mutiny.ext.web..", "io.patgate.web.."
    };

    private static void check(ArchRule rule) {
        rule.check(MAIN);
    }

    /** The floors, top to bottom; each may be used by the floors above it only. */
    private static final String[][] FLOORS = {
        {"boot", "io.patgate.startup..", "io.patgate.dev.."},
        {"web", "io.patgate.web.."},
        {"integration", "io.patgate.integration.."},
        {"scim", "io.patgate.web.scim.."},
        {"exchange", "io.patgate.exchange.."},
        {"notice", "io.patgate.notice.."},
        {"token", "io.patgate.token.."},
        {"account", "io.patgate.account.."},
        {"revocation", "io.patgate.revocation.."},
        {"audit", "io.patgate.audit.."},
        {"replica", "io.patgate.replica.."},
        {"store", "io.patgate.store.."},
        {"identity", "io.patgate.identity.."},
        {"runtime", "io.patgate.runtime.."},
        {"domain", "io.patgate.domain.."},
        {"config", "io.patgate.config.."},
    };

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        Architectures.LayeredArchitecture layers =
                layeredArchitecture().consideringOnlyDependenciesInAnyPackage("io.patgate..");
        for (String[] floor : FLOORS) {
            layers = layers.layer(floor[0]).definedBy(java.util.Arrays.copyOfRange(floor, 1, floor.length));
        }
        layers = layers.whereLayer("boot").mayNotBeAccessedByAnyLayer();
        for (int i = 1; i < FLOORS.length; i++) {
            String[] above =
                    java.util.Arrays.stream(FLOORS, 0, i).map(f -> f[0]).toArray(String[]::new);
            switch (FLOORS[i][0]) {
                // the exchange reads issuers through the webhooks' request-forgery guard (notice.TargetGuard), and only
                // that
                case "notice" ->
                    layers = layers.whereLayer("notice").mayOnlyBeAccessedByLayers("boot", "web", "exchange");
                // services publish their changes to identity's state themselves; only start-up and the web's 503 guard
                // read the feed
                case "replica" -> layers = layers.whereLayer("replica").mayOnlyBeAccessedByLayers("boot", "web");
                default -> layers = layers.whereLayer(FLOORS[i][0]).mayOnlyBeAccessedByLayers(above);
            }
        }
        check(layers);
    }

    @Test
    void onlyTheWebKnowsHttp() {
        check(
                noClasses()
                        .that()
                        .resideOutsideOfPackage("io.patgate.web..")
                        .should()
                        .dependOnClassesThat(resideInAnyPackage(HTTP))
                        .because(
                                "the web is the entry: services take plain values (an address string, a Caller, a command) and answer with "
                                        + "domain values and Refusals; only the web turns them into requests, responses and status codes"));
    }

    @Test
    void everyEntryPointIsInTheWeb() {
        check(com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
                .that()
                .areAnnotatedWith(Path.class)
                .or()
                .areAnnotatedWith(jakarta.ws.rs.ext.Provider.class)
                .should()
                .resideInAPackage("io.patgate.web..")
                .because(
                        "every JAX-RS resource is an entry point, and entry points live in the web (Vert.x routes are held there by "
                                + "onlyTheWebKnowsHttp: a route needs Vert.x Web's Router)"));
    }

    @Test
    void theExchangeTakesOnlyTheGuardFromNotice() {
        check(
                noClasses()
                        .that()
                        .resideInAPackage("io.patgate.exchange..")
                        .should()
                        .dependOnClassesThat(resideInAPackage("io.patgate.notice..")
                                .and(DescribedPredicate.not(
                                        JavaClass.Predicates.belongToAnyOf(io.patgate.notice.TargetGuard.class))))
                        .because(
                                "issuers are read through the same request-forgery guard as webhooks; nothing else of notices concerns the exchange"));
    }

    @Test
    void noPackageCycles() {
        check(slices().matching("io.patgate.(*)..").should().beFreeOfCycles());
    }

    @Test
    void thePerRequestCheckNeverReachesForTheDatabase() {
        check(
                noClasses()
                        .that()
                        .resideInAPackage("io.patgate.identity..")
                        .should()
                        .dependOnClassesThat(
                                resideInAPackage("io.patgate.store..").or(resideInAnyPackage(DATABASE)))
                        .because(
                                "a token check must never wait on PostgreSQL; the store fills the state through identity's TokenLookup port"));
    }

    @Test
    void sqlAndPanacheOnlyInTheStore() {
        check(noClasses()
                .that()
                .resideOutsideOfPackages("io.patgate.store..", "io.patgate.replica..")
                .should()
                .dependOnClassesThat(resideInAnyPackage(DATABASE))
                .because(
                        "the store knows how patgate talks to PostgreSQL (see store/package-info.java); the replica's feed listens "
                                + "and loads on the same client"));
    }

    @Test
    void resourcesDoNotTalkToTheDatabase() {
        DescribedPredicate<JavaClass> storeButNotData = resideInAPackage("io.patgate.store..")
                .and(DescribedPredicate.not(JavaClass.Predicates.assignableTo(Record.class)))
                .and(DescribedPredicate.not(JavaClass.Predicates.assignableTo(Enum.class)))
                .as("store classes other than records and enums");
        check(noClasses()
                .that()
                .areAnnotatedWith(Path.class)
                .should()
                .dependOnClassesThat(storeButNotData)
                .because("a resource reads the request and calls a service; the service owns the transaction"));
    }

    @Test
    void everyAccountWriteTakesASessionOnly() {
        DescribedPredicate<com.tngtech.archunit.core.domain.properties.CanBeAnnotated> write =
                com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith(
                                jakarta.ws.rs.POST.class)
                        .or(com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith(
                                jakarta.ws.rs.PUT.class))
                        .or(com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith(
                                jakarta.ws.rs.PATCH.class))
                        .or(com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith(
                                jakarta.ws.rs.DELETE.class))
                        .as("a write (POST, PUT, PATCH, DELETE)");
        check(
                com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods()
                        .that()
                        .areDeclaredInClassesThat()
                        .resideInAPackage("io.patgate.web.account..")
                        .and()
                        .areDeclaredInClassesThat()
                        .areAnnotatedWith(Path.class)
                        // signing in and out are the session's own business, and already take no token
                        .and()
                        .areDeclaredInClassesThat()
                        .doNotHaveSimpleName("AuthResource")
                        // following a confirmation link mailed to an address takes no credential at all: the link's
                        // secret is the proof
                        .and()
                        .areDeclaredInClassesThat()
                        .doNotHaveSimpleName("EmailConfirmationResource")
                        .and(write)
                        .should()
                        .beAnnotatedWith(io.patgate.web.SessionRequired.class)
                        .because(
                                "a personal access token, even an admin-scoped one, must not change an account (review issue 25)"));
    }

    @Test
    void domainRulesArePure() {
        check(noClasses()
                .that()
                .resideInAPackage("io.patgate.domain..")
                .should()
                .dependOnClassesThat(resideInAnyPackage(
                                "io.quarkus..",
                                "io.vertx..",
                                "io.smallrye..",
                                "jakarta.enterprise..",
                                "jakarta.ws.rs..",
                                "jakarta.persistence..")
                        .or(resideInAPackage("io.patgate..")
                                .and(DescribedPredicate.not(resideInAPackage("io.patgate.domain..")))))
                .because("the domain rules run, and are tested, without a framework"));
    }

    /** A newcomer reads a class in one sitting: one concern a class, split when it grows past this. */
    private static final int MAX_LINES = 300;

    @Test
    void noClassIsLongerThanItsReader() throws java.io.IOException {
        java.nio.file.Path main = java.nio.file.Path.of("src", "main", "java");
        java.util.List<String> tooLong;
        try (var files = java.nio.file.Files.walk(main)) {
            tooLong = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> lines(f) > MAX_LINES)
                    .map(f -> main.relativize(f) + " (" + lines(f) + " lines)")
                    .sorted()
                    .toList();
        }
        org.junit.jupiter.api.Assertions.assertEquals(
                java.util.List.of(), tooLong, "classes over " + MAX_LINES + " lines: split them by concern");
    }

    private static long lines(java.nio.file.Path file) {
        try (var lines = java.nio.file.Files.lines(file)) {
            return lines.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
