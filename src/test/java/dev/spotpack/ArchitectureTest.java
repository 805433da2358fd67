package dev.spotpack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of docs/architecture.md, checked on the bytecode: which of our packages may use
 * which (every package of src/main is a layer), and which packages may touch each framework. A new
 * import that crosses one of these lines fails the build; change the rule and the document
 * together, or move the code.
 */
@AnalyzeClasses(packages = "dev.spotpack", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule packagesUseOnlyWhatTheyAdapt =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("app")
          .definedBy("dev.spotpack.app..")
          .layer("http")
          .definedBy("dev.spotpack.http..")
          .layer("admission")
          .definedBy("dev.spotpack.admission..")
          .layer("extender")
          .definedBy("dev.spotpack.extender..")
          .layer("kube")
          .definedBy("dev.spotpack.kube..")
          .layer("config")
          .definedBy("dev.spotpack.config..")
          .layer("sim")
          .definedBy("dev.spotpack.sim..")
          .layer("protocol")
          .definedBy("dev.spotpack.protocol..")
          .layer("cluster")
          .definedBy("dev.spotpack.cluster..")
          .layer("bind")
          .definedBy("dev.spotpack.bind..")
          .layer("policy")
          .definedBy("dev.spotpack.policy..")
          .whereLayer("app")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("http")
          .mayOnlyBeAccessedByLayers("app")
          .whereLayer("admission")
          .mayOnlyBeAccessedByLayers("http", "app")
          .whereLayer("extender")
          .mayOnlyBeAccessedByLayers("http", "app")
          .whereLayer("kube")
          .mayOnlyBeAccessedByLayers("extender", "app")
          .whereLayer("config")
          .mayOnlyBeAccessedByLayers("http", "app")
          .whereLayer("sim")
          .mayOnlyBeAccessedByLayers("config", "app")
          .whereLayer("protocol")
          .mayOnlyBeAccessedByLayers("http", "admission", "extender", "kube", "app")
          .whereLayer("cluster")
          .mayOnlyBeAccessedByLayers("extender", "kube", "sim", "app")
          .whereLayer("bind")
          .mayOnlyBeAccessedByLayers("cluster", "kube", "extender", "app")
          .whereLayer("policy")
          .mayOnlyAccessLayers("policy")
          .because("each edge package adapts one thing to the policy; see docs/architecture.md");

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
  static final ArchRule theModelIsTheBottom =
      classes()
          .that()
          .resideInAPackage("dev.spotpack.policy.model..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "org.jspecify..", "dev.spotpack.policy.model..")
          .because("every package reads the model; it reads nothing of ours");

  @ArchTest
  static final ArchRule onlyHttpAndAppSeeVertx =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.spotpack.http..", "dev.spotpack.app..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.vertx..");

  @ArchTest
  static final ArchRule onlyHttpSeesNettysBuffers =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.spotpack.http..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.netty..")
          .because("pooled buffers are given back by the HTTP layer that takes them");

  @ArchTest
  static final ArchRule onlyKubeAndAppSeeFabric8 =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.spotpack.kube..", "dev.spotpack.app..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.fabric8..");

  @ArchTest
  static final ArchRule jacksonOnlyAtTheEdgesThatSpeakJson =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "dev.spotpack.protocol..",
              "dev.spotpack.admission..",
              "dev.spotpack.kube..",
              "dev.spotpack.config..",
              "dev.spotpack.sim.report..",
              "dev.spotpack.app..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("tools.jackson..", "com.fasterxml.jackson..")
          .because(
              "the extender protocol, AdmissionReviews, Kubernetes objects, YAML config and the"
                  + " report are the JSON the project speaks; the verbs and the HTTP layer see"
                  + " their values, not trees");

  @ArchTest
  static final ArchRule caffeineOnlyForAssumptions =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.spotpack.cluster..", "dev.spotpack.app..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.github.benmanes.caffeine..");

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
