package io.pgrealtime.gateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The gateway's package structure, as far as it has been untangled: the fan-out builds on the
 * subscriptions ({@code fanout} uses {@code subscription}'s indexes and message rules), never the
 * reverse. Other cycles among the gateway's packages remain ({@code session} with {@code channel}
 * and with {@code subscription}) and are not asserted here.
 */
class PackageStructureTest {
    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.pgrealtime.gateway");

    @Test
    void subscriptionsDoNotDependOnTheFanOut() {
        noClasses().that().resideInAPackage("io.pgrealtime.gateway.subscription..")
                .should().dependOnClassesThat().resideInAPackage("io.pgrealtime.gateway.fanout..")
                .check(GATEWAY);
    }
}
