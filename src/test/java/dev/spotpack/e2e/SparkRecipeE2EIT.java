package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.app.ExtenderApp;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Spark recipe of docs/spark.md, run: the driver and executor pods are built from the files the
 * document shows (docs/spark/spotpack.conf and executor-template.yaml) the way Spark's Kubernetes
 * backend builds them (template, then its labels, the conf's labels and annotations, the scheduler
 * name, the container's requests), and scheduled by kube-scheduler through spotpack on a real API
 * server. 8 executors, BALANCED: C = max(1, floor(0.25 x 8)) = 2 per spot node, P = max(2,
 * floor(0.5 x 8)) = 4 per pool; spot nodes s1 and s2 in zone a, s3 in zone b: at most 2 per spot
 * node, at most 4 in zone a, the rest on the on-demand node; the driver on on-demand.
 */
class SparkRecipeE2EIT {
  static final Path RECIPE = Path.of("docs/spark");
  static final String APP = "spark-5e1f";

  @Test
  void theRecipesPodsAreScheduledWithinTheirCaps() throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    Properties conf = conf();
    Path dir = Path.of("target/e2e/spark-recipe-" + System.currentTimeMillis()).toAbsolutePath();
    try (LocalControlPlane.ApiServer api = LocalControlPlane.startApiServer(bin.dir().get(), dir)) {
      KubernetesClient client = api.client();
      node(client, "s1", "spot", "a");
      node(client, "s2", "spot", "a");
      node(client, "s3", "spot", "b");
      node(client, "od", "on-demand", "a");
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("spark").endMetadata().build())
          .create();
      ExtenderApp spotpack =
          SpotpackAndScheduler.start(
              bin.dir().get(), dir, api.kubeconfig(), api.processes(), api.insecure());
      try {
        client.pods().inNamespace("spark").resource(driver(conf)).create();
        int instances = Integer.parseInt(conf.getProperty("spark.executor.instances"));
        for (int i = 1; i <= instances; i++) {
          client.pods().inNamespace("spark").resource(executor(conf, i)).create();
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    client.pods().inNamespace("spark").list().getItems().stream()
                        .allMatch(p -> p.getSpec().getNodeName() != null));
        Map<String, Integer> perNode = new HashMap<>();
        for (Pod p : client.pods().inNamespace("spark").list().getItems()) {
          if ("executor".equals(p.getMetadata().getLabels().get("spark-role"))) {
            perNode.merge(p.getSpec().getNodeName(), 1, Integer::sum);
          } else {
            assertThat(p.getSpec().getNodeName()).as("the driver").isEqualTo("od");
          }
        }
        assertThat(perNode.getOrDefault("s1", 0)).isLessThanOrEqualTo(2);
        assertThat(perNode.getOrDefault("s2", 0)).isLessThanOrEqualTo(2);
        assertThat(perNode.getOrDefault("s3", 0)).isLessThanOrEqualTo(2);
        assertThat(perNode.getOrDefault("s1", 0) + perNode.getOrDefault("s2", 0))
            .as("zone a's pool")
            .isLessThanOrEqualTo(4);
        assertThat(perNode.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(8);
        // the template prefers spot: the spot nodes fill to their caps (3 x 2) before on-demand
        assertThat(perNode.getOrDefault("od", 0)).as("executors on on-demand").isEqualTo(2);

        // Spark labels a decommissioning executor with the conf's label: spotpack stops counting it
        String label = conf.getProperty("spark.kubernetes.executor.decommmissionLabel");
        String value = conf.getProperty("spark.kubernetes.executor.decommmissionLabelValue");
        assertThat(executorsCounted(spotpack)).isEqualTo(8);
        client
            .pods()
            .inNamespace("spark")
            .withName(APP + "-exec-1")
            .edit(
                p ->
                    new PodBuilder(p)
                        .editMetadata()
                        .addToLabels(label, value)
                        .endMetadata()
                        .build());
        await().atMost(Duration.ofSeconds(20)).until(() -> executorsCounted(spotpack) == 7);
      } finally {
        spotpack.stop();
      }
    }
  }

  /** The SparkApplication carries the conf's pod-shaping lines with the same values. */
  @Test
  void theSparkApplicationSaysWhatTheConfSays() throws Exception {
    Properties conf = conf();
    JsonNode app = new YAMLMapper().readTree(RECIPE.resolve("sparkapplication.yaml").toFile());
    JsonNode sparkConf = app.path("spec").path("sparkConf");
    for (String key : conf.stringPropertyNames()) {
      boolean shapesPods =
          key.startsWith("spark.kubernetes.executor.annotation.")
              || key.startsWith("spark.kubernetes.executor.decommmission")
              || key.startsWith("spark.decommission.")
              || key.startsWith("spark.storage.decommission.")
              || key.equals("spark.kubernetes.scheduler.name");
      if (shapesPods) {
        assertThat(sparkConf.path(key).stringValue()).as(key).isEqualTo(conf.getProperty(key));
      }
    }
    assertThat(app.path("spec").path("executor").path("instances").asInt())
        .isEqualTo(Integer.parseInt(conf.getProperty("spark.executor.instances")));
  }

  /** With dynamic allocation, the declared size is the most executors the job may have. */
  @Test
  void dynamicAllocationDeclaresItsMaximum() throws Exception {
    Properties dynamic = new Properties();
    try (Reader r = Files.newBufferedReader(RECIPE.resolve("dynamic-allocation.conf"))) {
      dynamic.load(r);
    }
    assertThat(
            dynamic.getProperty(
                "spark.kubernetes.executor.annotation.spotpack.dev/expected-executors"))
        .isEqualTo(dynamic.getProperty("spark.dynamicAllocation.maxExecutors"));
    assertThat(dynamic.getProperty("spark.dynamicAllocation.enabled")).isEqualTo("true");
  }

  static Properties conf() throws Exception {
    Properties conf = new Properties();
    try (Reader r = Files.newBufferedReader(RECIPE.resolve("spotpack.conf"))) {
      conf.load(r);
    }
    return conf;
  }

  static int executorsCounted(ExtenderApp spotpack) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + spotpack.managementPort() + "/debug/jobs"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (JsonNode job : JsonMapper.builder().build().readTree(body).path("jobs")) {
      if (job.path("job").stringValue().equals(APP)) {
        return job.path("executors").asInt();
      }
    }
    return 0;
  }

  /**
   * What Spark's executor pod builder makes of the conf and the template, for what spotpack reads.
   */
  static Pod executor(Properties conf, int id) throws Exception {
    Pod template =
        Serialization.unmarshal(
            Files.readString(
                RECIPE.resolve(conf.getProperty("spark.kubernetes.executor.podTemplateFile"))),
            Pod.class);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("spark-app-selector", APP);
    labels.put("spark-role", "executor");
    labels.put("spark-exec-id", Integer.toString(id));
    Map<String, String> annotations = prefixed(conf, "spark.kubernetes.executor.annotation.");
    labels.putAll(prefixed(conf, "spark.kubernetes.executor.label."));
    String cpu =
        conf.getProperty(
            "spark.kubernetes.executor.request.cores", conf.getProperty("spark.executor.cores"));
    return new PodBuilder(template)
        .withNewMetadata()
        .withName(APP + "-exec-" + id)
        .withNamespace("spark")
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .editSpec()
        .withSchedulerName(conf.getProperty("spark.kubernetes.scheduler.name"))
        .withContainers(
            container(
                "spark-kubernetes-executor",
                cpu,
                memoryWithOverhead(conf.getProperty("spark.executor.memory"))))
        .endSpec()
        .build();
  }

  static Pod driver(Properties conf) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(APP + "-driver")
        .withNamespace("spark")
        .withLabels(Map.of("spark-app-selector", APP, "spark-role", "driver"))
        .endMetadata()
        .withNewSpec()
        .withSchedulerName(conf.getProperty("spark.kubernetes.scheduler.name"))
        .withContainers(container("spark-kubernetes-driver", "1", memoryWithOverhead("1g")))
        .endSpec()
        .build();
  }

  /** Spark's default: the memory plus max(384 MiB, 10%), requested and limited. */
  static String memoryWithOverhead(String memory) {
    long mib =
        memory.endsWith("g")
            ? Long.parseLong(memory.substring(0, memory.length() - 1)) * 1024
            : Long.parseLong(memory.substring(0, memory.length() - 1));
    return (mib + Math.max(384, mib / 10)) + "Mi";
  }

  static Container container(String name, String cpu, String memory) {
    return new ContainerBuilder()
        .withName(name)
        .withImage("apache/spark:3.5.3")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
        .withLimits(Map.of("memory", new Quantity(memory)))
        .endResources()
        .build();
  }

  static Map<String, String> prefixed(Properties conf, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : conf.stringPropertyNames()) {
      if (key.startsWith(prefix)) {
        out.put(key.substring(prefix.length()), conf.getProperty(key));
      }
    }
    return out;
  }

  static void node(KubernetesClient client, String name, String capacity, String zone) {
    FakeNodes.create(
        client,
        name,
        Map.of(
            "karpenter.sh/capacity-type", capacity,
            "node.kubernetes.io/instance-type", "m6i.4xlarge",
            "topology.kubernetes.io/zone", zone));
  }
}
