package dev.tokenledger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of docs/architecture.md, checked on the compiled main classes: a new package cycle or a forbidden
 * arrow fails the build, naming the classes that draw it.
 */
class DependencyRulesTest {

    private static final String BASE = "dev.tokenledger";

    /** CDI: beans, injection, events. */
    private static final String[] CDI = {"jakarta.enterprise..", "jakarta.inject..", "io.quarkus.arc.."};
    /** HTTP (server and client) and the database. */
    private static final String[] HTTP_AND_DATABASE = {"jakarta.ws.rs..", "org.jboss.resteasy..", "io.vertx.ext.web..",
            "io.vertx.mutiny.ext.web..", "io.vertx.core.http..", "io.vertx.mutiny.core.http..", "io.vertx.sqlclient..",
            "io.vertx.mutiny.sqlclient..", "io.vertx.pgclient..", "io.vertx.mutiny.pgclient..", "io.vertx.redis..",
            "io.vertx.mutiny.redis..", "io.quarkus.redis..", "io.quarkus.hibernate..", "jakarta.persistence.."};
    /** The pure layers: the canonical model, JSON helpers, byte-level stream decoders and the wire formats. */
    private static final String[] PURE = {BASE + ".canonical..", BASE + ".json..", BASE + ".stream..",
            BASE + ".wire.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(BASE);
    }

    @Test
    void topLevelPackagesFormNoCycle() {
        slices().matching(BASE + ".(*)..").namingSlices("$1").should().beFreeOfCycles().check(classes);
    }

    @Test
    void pureLayersKnowNoHttpNorDatabase() {
        noClasses().that().resideInAnyPackage(PURE).should().dependOnClassesThat().resideInAnyPackage(HTTP_AND_DATABASE)
                .check(classes);
    }

    /** The codecs (and their registry) are beans, so that a format is found by discovery; nothing else there is. */
    @Test
    void pureLayersUseNoCdiButCodecRegistration() {
        noClasses().that().resideInAnyPackage(PURE).and(not(simpleNameEndingWith("Codec")))
                .and(not(simpleNameEndingWith("Codecs"))).should().dependOnClassesThat().resideInAnyPackage(CDI)
                .check(classes);
    }

    @Test
    void providersKnowNoRoutingAdmissionOrLedger() {
        noClasses().that().resideInAPackage(BASE + ".provider..").should().dependOnClassesThat()
                .resideInAnyPackage(BASE + ".routing..", BASE + ".admission..", BASE + ".ledger..").check(classes);
    }

    /** The edge ({@code api}) is the top: nothing depends on it, so nothing below it learns the client's path. */
    @Test
    void nothingDependsOnTheEdge() {
        noClasses().that().resideOutsideOfPackage(BASE + ".api..").should().dependOnClassesThat()
                .resideInAPackage(BASE + ".api..").check(classes);
    }

    /**
     * A concrete wire format ({@code wire/<format>}) is known by the edge (the client's side), the provider adapters
     * (the upstream's side) and the wire layer itself; everything between them works on the canonical model and the
     * format-neutral codec interfaces. Embeddings exist in the OpenAI format only and pass through: their pipeline is
     * the one exception.
     */
    @Test
    void onlyTheEdgeAndProvidersKnowAConcreteFormat() {
        noClasses().that().resideOutsideOfPackages(BASE + ".api..", BASE + ".wire..", BASE + ".provider..")
                .and().doNotHaveFullyQualifiedName(BASE + ".gateway.EmbeddingsPipeline").should()
                .dependOnClassesThat().resideInAPackage(BASE + ".wire.*..").check(classes);
    }

    @Test
    void configurationKnowsOnlyTheCanonicalModel() {
        noClasses().that().resideInAPackage(BASE + ".config..").should().dependOnClassesThat(
                resideInAPackage(BASE + "..").and(not(resideInAnyPackage(BASE + ".config..", BASE + ".canonical.."))))
                .check(classes);
    }

    /** Admission's parts build on each other in one direction: admission, then settlement, then redis, then limits. */
    @Test
    void admissionPartsLayered() {
        String admission = BASE + ".admission.";
        noClasses().that().resideInAPackage(admission + "limits..").should().dependOnClassesThat()
                .resideInAnyPackage(admission + "redis..", admission + "settlement..", BASE + ".admission")
                .check(classes);
        noClasses().that().resideInAPackage(admission + "redis..").should().dependOnClassesThat()
                .resideInAnyPackage(admission + "settlement..", BASE + ".admission").check(classes);
        noClasses().that().resideInAPackage(admission + "settlement..").should().dependOnClassesThat()
                .resideInAPackage(BASE + ".admission").check(classes);
    }
}
