package io.patgate.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package map of the README's architecture section, enforced. Plain JUnit, no Quarkus: it reads the
 * compiled classes of {@code src/main} and runs in a fraction of a second.
 *
 * <pre>
 * startup, dev                      boot: start-up order, readiness, the embedded database of dev mode
 * integration                       for other services: forward-auth, OAuth, JWKS, keys
 * exchange                          RFC 8693: subject tokens of outside issuers, their keys (read through notice's guard)
 * notice                            notices leave: webhooks, fan-out, delivery, email, the time-based scan
 * token                             personal access tokens: resources, policy, service, queries
 * account                           users, logins, sessions, passwords
 * audit                             the audit trail, and the notices raised beside it (the outbox)
 * http                              the HTTP edge: auth mechanism, problems, paging, client address
 * store                             PostgreSQL: entities, repositories, SQL, the change feed
 * identity                          the per-request check: signatures and the in-memory state
 * domain, config                    pure rules and names; settings
 * </pre>
 * Each layer may use only the layers below it.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.patgate");

    /** Where PostgreSQL is spoken: the reactive client, Hibernate, Panache, JPA. */
    private static final String[] DATABASE = {"io.vertx.sqlclient..", "io.vertx.mutiny.sqlclient..", "io.vertx.pgclient..",
            "io.vertx.mutiny.pgclient..", "org.hibernate..", "io.quarkus.hibernate..", "io.quarkus.panache..", "jakarta.persistence.."};

    private static void check(ArchRule rule) {
        rule.check(MAIN);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        check(layeredArchitecture().consideringOnlyDependenciesInAnyPackage("io.patgate..")
                .layer("boot").definedBy("io.patgate.startup..", "io.patgate.dev..", "io.patgate")
                .layer("integration").definedBy("io.patgate.integration..")
                .layer("exchange").definedBy("io.patgate.exchange..")
                .layer("notice").definedBy("io.patgate.notice..")
                .layer("token").definedBy("io.patgate.token..")
                .layer("account").definedBy("io.patgate.account..")
                .layer("audit").definedBy("io.patgate.audit..")
                .layer("http").definedBy("io.patgate.web..")
                .layer("store").definedBy("io.patgate.store..")
                .layer("identity").definedBy("io.patgate.identity..")
                .layer("domain").definedBy("io.patgate.domain..")
                .layer("config").definedBy("io.patgate.config..")
                .whereLayer("boot").mayNotBeAccessedByAnyLayer()
                .whereLayer("integration").mayOnlyBeAccessedByLayers("boot")
                .whereLayer("exchange").mayOnlyBeAccessedByLayers("boot", "integration")
                // the exchange reads issuers through the webhooks' request-forgery guard (notice.TargetGuard), and only that
                .whereLayer("notice").mayOnlyBeAccessedByLayers("boot", "exchange")
                .whereLayer("token").mayOnlyBeAccessedByLayers("boot", "integration", "exchange", "notice")
                .whereLayer("account").mayOnlyBeAccessedByLayers("boot", "integration", "exchange", "notice", "token")
                .whereLayer("audit").mayOnlyBeAccessedByLayers("boot", "integration", "exchange", "notice", "token", "account")
                .whereLayer("http").mayOnlyBeAccessedByLayers("boot", "integration", "exchange", "notice", "token", "account", "audit")
                .whereLayer("store").mayOnlyBeAccessedByLayers("boot", "integration", "exchange", "notice", "token", "account", "audit", "http")
                .whereLayer("identity").mayOnlyBeAccessedByLayers("boot", "integration", "exchange", "notice", "token", "account", "audit", "http", "store")
                .whereLayer("domain").mayOnlyBeAccessedByLayers("boot", "integration", "exchange", "notice", "token", "account", "audit", "http", "store", "identity"));
    }

    @Test
    void theExchangeTakesOnlyTheGuardFromNotice() {
        check(noClasses().that().resideInAPackage("io.patgate.exchange..")
                .should().dependOnClassesThat(resideInAPackage("io.patgate.notice..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(io.patgate.notice.TargetGuard.class))))
                .because("issuers are read through the same request-forgery guard as webhooks; nothing else of notices concerns the exchange"));
    }

    @Test
    void noPackageCycles() {
        check(slices().matching("io.patgate.(*)..").should().beFreeOfCycles());
    }

    @Test
    void thePerRequestCheckNeverReachesForTheDatabase() {
        check(noClasses().that().resideInAPackage("io.patgate.identity..")
                .should().dependOnClassesThat(resideInAPackage("io.patgate.store..").or(resideInAnyPackage(DATABASE)))
                .because("a token check must never wait on PostgreSQL; the store fills the state through identity's TokenLookup port"));
    }

    @Test
    void sqlAndPanacheOnlyInTheStore() {
        check(noClasses().that().resideOutsideOfPackage("io.patgate.store..")
                .should().dependOnClassesThat(resideInAnyPackage(DATABASE))
                .because("one place knows how patgate talks to PostgreSQL (see store/package-info.java)"));
    }

    @Test
    void resourcesDoNotTalkToTheDatabase() {
        DescribedPredicate<JavaClass> storeButNotData = resideInAPackage("io.patgate.store..")
                .and(DescribedPredicate.not(JavaClass.Predicates.assignableTo(Record.class)))
                .and(DescribedPredicate.not(JavaClass.Predicates.assignableTo(Enum.class)))
                .as("store classes other than records and enums");
        check(noClasses().that().areAnnotatedWith(Path.class)
                .should().dependOnClassesThat(storeButNotData)
                .because("a resource reads the request and calls a service; the service owns the transaction"));
    }

    @Test
    void servicesKnowNothingOfHttpStatusCodes() {
        check(noClasses().that().resideInAnyPackage("io.patgate.domain..", "io.patgate.identity..", "io.patgate.store..")
                .should().dependOnClassesThat(resideInAnyPackage("jakarta.ws.rs..", "org.jboss.resteasy.."))
                .because("rules refuse with domain Refusals; only the HTTP edge turns them into status codes"));
    }

    @Test
    void everyAccountWriteTakesASessionOnly() {
        DescribedPredicate<com.tngtech.archunit.core.domain.properties.CanBeAnnotated> write =
                com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith(jakarta.ws.rs.POST.class)
                        .or(com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith(jakarta.ws.rs.PUT.class))
                        .or(com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith(jakarta.ws.rs.PATCH.class))
                        .or(com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith(jakarta.ws.rs.DELETE.class))
                        .as("a write (POST, PUT, PATCH, DELETE)");
        check(com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods().that().areDeclaredInClassesThat().resideInAPackage("io.patgate.account..")
                .and().areDeclaredInClassesThat().areAnnotatedWith(Path.class)
                // signing in and out are the session's own business, and already take no token
                .and().areDeclaredInClassesThat().doNotHaveSimpleName("AuthResource")
                // following a confirmation link mailed to an address takes no credential at all: the link's secret is the proof
                .and().areDeclaredInClassesThat().doNotHaveSimpleName("EmailConfirmationResource")
                .and(write)
                .should().beAnnotatedWith(io.patgate.web.SessionRequired.class)
                .because("a personal access token, even an admin-scoped one, must not change an account (review issue 25)"));
    }

    @Test
    void domainRulesArePure() {
        check(noClasses().that().resideInAPackage("io.patgate.domain..")
                .should().dependOnClassesThat(resideInAnyPackage("io.quarkus..", "io.vertx..", "io.smallrye..", "jakarta.enterprise..",
                        "jakarta.ws.rs..", "jakarta.persistence..")
                        .or(resideInAPackage("io.patgate..").and(DescribedPredicate.not(resideInAPackage("io.patgate.domain..")))))
                .because("the domain rules run, and are tested, without a framework"));
    }
}
