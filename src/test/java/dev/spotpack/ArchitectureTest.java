package dev.spotpack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules (README, "Layout"): the policy imports no I/O framework, and each edge package
 * only what it adapts; checked on the bytecode.
 */
@AnalyzeClasses(packages = "dev.spotpack", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule policyIsPure =
      classes()
          .that()
          .resideInAPackage("dev.spotpack.policy..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "org.jspecify..", "dev.spotpack.policy..")
          .because(
              "the policy core decides from values only: no Vert.x, fabric8, Jackson or Caffeine");

  @ArchTest
  static final ArchRule clusterStateHasNoFrameworks =
      noClasses()
          .that()
          .resideInAPackage("dev.spotpack.cluster..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.vertx..", "io.fabric8..", "tools.jackson..", "com.fasterxml..");

  @ArchTest
  static final ArchRule onlyHttpAndAppSeeVertx =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.spotpack.http..", "dev.spotpack.app..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.vertx..");

  @ArchTest
  static final ArchRule onlyKubeAndAppSeeFabric8 =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.spotpack.kube..", "dev.spotpack.app..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.fabric8..");

  @ArchTest
  static final ArchRule simulatorIsPure =
      classes()
          .that()
          .resideInAPackage("dev.spotpack.sim")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..",
              "org.jspecify..",
              "dev.spotpack.sim..",
              "dev.spotpack.policy..",
              "dev.spotpack.cluster..")
          .because("the simulator runs the same policy code as serve, with no I/O of its own");

  @ArchTest
  static final ArchRule bindPortIsPlainJava =
      classes()
          .that()
          .resideInAPackage("dev.spotpack.bind..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "org.jspecify..", "dev.spotpack.bind..");
}
