package dev.spotpack.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import dev.spotpack.policy.spot.Profile;
import dev.spotpack.policy.spot.SpotNodes;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void anEmptyFileGivesTheDefaults() {
    assertThat(loader.parse("", "empty.yaml")).isEqualTo(SpotpackConfig.DEFAULT);
    assertThat(loader.parse("# only a comment\n", "c.yaml")).isEqualTo(SpotpackConfig.DEFAULT);
  }

  @Test
  void readsEveryKey() {
    SpotpackConfig c =
        loader.parse(
            """
            pods:
              jobLabels: [spark-app-selector, emr-containers.amazonaws.com/job.id]
              roleLabel: role
              driverRole: drv
              executorRole: exe
              inactiveLabel: gone
            spot:
              nodeSelectors: ["node.kubernetes.io/lifecycle=spot"]
              poolLabels: [topology.kubernetes.io/zone]
              allowDrivers: true
            profiles:
              default: TIGHT
              levels:
                BALANCED: {maxSpotFractionPerNode: 0.2}
                RELIABILITY_OVER_COST: {maxSpotFractionPerPool: 0.2}
                TIGHT: {maxSpotFractionPerNode: 0.05, maxSpotShare: 0.29}
            scoring:
              resources:
                - {name: cpu, weight: 3}
                - {name: memory}
                - {name: nvidia.com/gpu, weight: 10}
            server:
              maxRequestBodyBytes: 1048576
              warmUpPods: 0
              eventLoops: 4
            """,
            "full.yaml");

    assertThat(c.policy().roles().jobLabels())
        .containsExactly("spark-app-selector", "emr-containers.amazonaws.com/job.id");
    assertThat(c.policy().roles().roleLabel()).isEqualTo("role");
    assertThat(c.policy().roles().driverRole()).isEqualTo("drv");
    assertThat(c.policy().roles().executorRole()).isEqualTo("exe");
    assertThat(c.policy().roles().inactiveLabel()).isEqualTo("gone");
    assertThat(c.policy().spotNodes().selectors())
        .containsExactly(new SpotNodes.Selector("node.kubernetes.io/lifecycle", "spot"));
    assertThat(c.policy().driversOnSpot()).isTrue();
    assertThat(c.policy().profiles().defaultProfile()).isEqualTo("TIGHT");
    // a partial override keeps the built-in's other field; decimals stay exact
    assertThat(c.policy().profiles().named("BALANCED"))
        .contains(
            new Profile(
                "BALANCED", new BigDecimal("0.2"), new BigDecimal("1.0"), new BigDecimal("0.5")));
    assertThat(c.policy().profiles().named("TIGHT"))
        .contains(
            new Profile("TIGHT", new BigDecimal("0.05"), new BigDecimal("0.29"), BigDecimal.ONE));
    assertThat(c.policy().profiles().named("ON_DEMAND_ONLY")).isPresent();
    assertThat(c.policy().profiles().named("RELIABILITY_OVER_COST"))
        .contains(
            new Profile(
                "RELIABILITY_OVER_COST",
                new BigDecimal("0.1"),
                new BigDecimal("0.5"),
                new BigDecimal("0.2")));
    assertThat(c.policy().spotNodes().poolLabels()).containsExactly("topology.kubernetes.io/zone");
    // in the order listed; an absent weight means 1, as upstream
    assertThat(c.policy().scoringWeights().byResource())
        .containsExactly(entry("cpu", 3L), entry("memory", 1L), entry("nvidia.com/gpu", 10L));
    assertThat(c.server().maxRequestBodyBytes()).isEqualTo(1048576);
    assertThat(c.server().warmUpPods()).isZero();
    assertThat(SpotpackConfig.DEFAULT.server().warmUpPods()).isEqualTo(2000);
    assertThat(c.server().eventLoops()).isEqualTo(4);
    assertThat(SpotpackConfig.DEFAULT.server().eventLoops()).isEqualTo(1);
  }

  record Bad(String name, String yaml, List<String> wantProblems) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> bad() {
    return Stream.of(
        new Bad(
            "an unknown top-level key",
            "spots: {}\n",
            List.of(
                "spots: unknown key (known here: cluster, pods, profiles, scoring, server, spot)")),
        new Bad(
            "a misspelt nested key",
            "spot:\n  allowDriver: true\n",
            List.of(
                "spot.allowDriver: unknown key (known here: allowDrivers, nodeSelectors,"
                    + " onCapsExhausted, poolLabels, relaxAfterSeconds)")),
        new Bad(
            "every problem at once",
            """
            spot:
              allowDrivers: "yes"
              nodeSelectors: ["nolabel"]
            profiles:
              default: MISSING
              levels:
                BALANCED: {maxSpotShare: 1.5}
                NEW: {maxSpotShare: 0.5}
            scoring:
              resources:
                - {name: cpu, weight: 101}
            server:
              maxRequestBodyBytes: -1
            """,
            List.of(
                "spot.nodeSelectors[0]: \"nolabel\" is not of the form key=value",
                "spot.allowDrivers: must be true or false",
                "profiles.levels.BALANCED.maxSpotShare: 1.5 is invalid: expected a decimal number"
                    + " from 0 to 1",
                "profiles.levels.NEW: a new profile must set both maxSpotFractionPerNode and"
                    + " maxSpotShare",
                "profiles.default: \"MISSING\" is not a defined profile; defined: BALANCED,"
                    + " COST_OVER_RELIABILITY, ON_DEMAND_ONLY, RELIABILITY_OVER_COST",
                "scoring.resources[0].weight: 101 is invalid: expected a whole number from 0 to"
                    + " 100",
                "server.maxRequestBodyBytes: -1 is invalid: expected a whole number from 1024 to"
                    + " 2147483648")),
        new Bad(
            "a fraction given as a string",
            "profiles:\n  levels:\n    BALANCED: {maxSpotShare: \"0.5\"}\n",
            List.of(
                "profiles.levels.BALANCED.maxSpotShare: \"0.5\" is invalid: expected a decimal"
                    + " number from 0 to 1")),
        new Bad(
            "an empty selector list",
            "spot:\n  nodeSelectors: []\n",
            List.of(
                "spot.nodeSelectors: must name at least one label (an empty list would make no node"
                    + " spot)")),
        new Bad(
            "pool labels empty or repeated",
            "spot:\n  poolLabels: [a, \"\", a]\n",
            List.of(
                "spot.poolLabels[1]: must be a non-empty string",
                "spot.poolLabels: lists a twice")),
        new Bad(
            "no pool label",
            "spot:\n  poolLabels: []\n",
            List.of(
                "spot.poolLabels: must name at least one label (with none, every spot node would be"
                    + " one pool)")),
        new Bad(
            "a pool fraction above 1",
            "profiles:\n  levels:\n    BALANCED: {maxSpotFractionPerPool: 2}\n",
            List.of(
                "profiles.levels.BALANCED.maxSpotFractionPerPool: 2 is invalid: expected a decimal"
                    + " number from 0 to 1")),
        new Bad(
            "no job label",
            "pods:\n  jobLabels: []\n",
            List.of("pods.jobLabels: must name at least one label key")),
        new Bad(
            "a resource listed twice",
            "scoring:\n  resources: [{name: cpu}, {name: cpu}]\n",
            List.of("scoring.resources[1].name: resource \"cpu\" is listed twice")),
        new Bad("not a mapping", "- a\n- b\n", List.of("(top level): must be a mapping")),
        new Bad(
            "an unknown fallback",
            "spot:\n  onCapsExhausted: spill\n",
            List.of("spot.onCapsExhausted: \"spill\" is invalid: expected wait or relax")),
        new Bad(
            "tls without a key",
            "server:\n  tls:\n    certFile: /x.crt\n",
            List.of("server.tls: needs both certFile and keyFile")),
        new Bad(
            "a webhook without a port or key",
            "server:\n  webhook:\n    certFile: /w.crt\n",
            List.of(
                "server.webhook.port: is required: the HTTPS port the API server calls the webhook"
                    + " on",
                "server.webhook: needs both certFile and keyFile")),
        new Bad(
            "a webhook port out of range",
            "server:\n  webhook:\n    port: 70000\n    certFile: /w.crt\n    keyFile: /w.key\n",
            List.of(
                "server.webhook.port: 70000 is invalid: expected a whole number from 0 to 65535")),
        new Bad(
            "a placement gate that is not a boolean",
            "server:\n"
                + "  webhook:\n"
                + "    port: 8443\n"
                + "    certFile: /w.crt\n"
                + "    keyFile: /w.key\n"
                + "    placementGate: sometimes\n",
            List.of("server.webhook.placementGate: must be true or false")),
        new Bad(
            "a negative in-flight budget",
            "server:\n  maxRequestBytesInFlight: -1\n",
            List.of(
                "server.maxRequestBytesInFlight: -1 is invalid: expected a whole number from 0 to"
                    + " 1099511627776")),
        new Bad(
            "a negative warm-up",
            "server:\n  warmUpPods: -5\n",
            List.of("server.warmUpPods: -5 is invalid: expected a whole number from 0 to 1000000")),
        new Bad(
            "no event loop",
            "server:\n  eventLoops: 0\n",
            List.of("server.eventLoops: 0 is invalid: expected a whole number from 1 to 64")),
        new Bad("not YAML", "a: [b\n", List.of("not valid YAML: ")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void namesEveryBadKeyInOneMessage(Bad c) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> loader.parse(c.yaml(), "spotpack.yaml"));
    assertThat(e).as("expected a ConfigException").isNotNull();
    assertThat(e.problems()).hasSameSizeAs(c.wantProblems());
    for (int i = 0; i < c.wantProblems().size(); i++) {
      assertThat(e.problems().get(i)).startsWith(c.wantProblems().get(i));
    }
    assertThat(e.getMessage()).startsWith("invalid config spotpack.yaml:\n  - ");
  }

  /**
   * A file that names files: those that cannot be read are problems of the config like any other,
   * reported with the rest in one message before anything starts.
   */
  @Test
  void loadChecksTheFilesTheConfigNamesWithEverythingElse(@TempDir Path dir) throws IOException {
    Path cert = Files.writeString(dir.resolve("tls.crt"), "not read here");
    Path config =
        Files.writeString(
            dir.resolve("spotpack.yaml"),
            "server:\n"
                + "  tls:\n"
                + "    certFile: "
                + cert
                + "\n"
                + "    keyFile: /nonexistent/tls.key\n"
                + "    clientCaFile: /nonexistent/ca.crt\n"
                + "cluster:\n"
                + "  bindThreads: 0\n");
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> new ConfigLoader().load(config));
    assertThat(e.problems())
        .containsExactly(
            "server.tls.keyFile: /nonexistent/tls.key does not exist or cannot be read",
            "server.tls.clientCaFile: /nonexistent/ca.crt does not exist or cannot be read",
            "cluster.bindThreads: 0 is invalid: expected a whole number from 1 to 256");
    // parse alone never looks at the disk
    assertThat(
            new ConfigLoader().parse("server:\n  tls:\n    certFile: /x\n    keyFile: /y\n", "t"))
        .isNotNull();
  }
}
