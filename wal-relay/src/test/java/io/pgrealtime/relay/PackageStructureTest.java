package io.pgrealtime.relay;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The relay's packages form a hierarchy, not a web: the domain packages ({@code pgoutput},
 * {@code capture}, {@code publish}, {@code replication}, …) have no cycles among them, and none
 * depends on the root package, which wires them into a process ({@code Relay}, Micronaut beans).
 */
class PackageStructureTest {
    private static final JavaClasses RELAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.pgrealtime.relay");

    @Test
    void domainPackagesAreFreeOfCycles() {
        slices().matching("io.pgrealtime.relay.(*)..").should().beFreeOfCycles().check(RELAY);
    }

    @Test
    void domainPackagesDoNotDependOnTheApplicationPackage() {
        noClasses().that().resideInAPackage("io.pgrealtime.relay..").and().resideOutsideOfPackage("io.pgrealtime.relay")
                .should().dependOnClassesThat().resideInAPackage("io.pgrealtime.relay")
                .check(RELAY);
    }
}
