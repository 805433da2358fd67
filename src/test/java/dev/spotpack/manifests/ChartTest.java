package dev.spotpack.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.config.ConfigLoader;
import dev.spotpack.config.SpotpackConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * charts/spotpack: it lints, and it renders what manifests/ holds, object for object (the chart
 * must not drift from the kustomization): the defaults equal the base (without its Namespace, which
 * {@code helm install --create-namespace} makes), the webhook switched on equals the webhook
 * overlay, and the PrometheusRule equals manifests/monitoring's. ConfigMap data that is YAML is
 * compared as YAML, so comments may differ. That the API server accepts every rendered object, and
 * kube-scheduler loads the rendered scheduler config, is checked by ChartE2EIT.
 */
class ChartTest {
  static final YAMLMapper YAML = new YAMLMapper();
  static Helm helm;

  @BeforeAll
  static void findHelm() throws Exception {
    Helm.Found found = Helm.locate();
    assumeTrue(found.helm().isPresent(), found.reason());
    helm = found.helm().get();
  }

  @Test
  void lintsWithEveryFeatureOnAndOff() throws Exception {
    assertThat(helm.run("lint", "charts/spotpack")).contains("0 chart(s) failed");
    assertThat(
            helm.run(
                "lint",
                "charts/spotpack",
                "--set",
                "webhook.enabled=true",
                "--set",
                "monitoring.serviceMonitor=true",
                "--set",
                "monitoring.prometheusRule=true"))
        .contains("0 chart(s) failed");
  }

  @Test
  void theDefaultsRenderTheBaseManifests() throws Exception {
    Map<String, JsonNode> base =
        objects(
            files(
                "manifests", "namespace.yaml", "rbac.yaml", "configmaps.yaml", "deployment.yaml"));
    base.remove("Namespace//spotpack-system");
    assertThat(objects(helm.template())).isEqualTo(base);
  }

  @Test
  void theWebhookSwitchedOnRendersTheWebhookOverlay() throws Exception {
    Map<String, JsonNode> want =
        objects(files("manifests", "rbac.yaml", "configmaps.yaml", "deployment.yaml"));
    want.putAll(objects(files("manifests/webhook", "webhook.yaml", "certificate.yaml")));
    // the overlay's patches: its spotpack config, and the Deployment's webhook port, mount, volume
    want.putAll(objects(files("manifests/webhook", "spotpack-config.yaml")));
    JsonNode patch = single(files("manifests/webhook", "deployment-patch.yaml"));
    ObjectNode deployment = (ObjectNode) want.get("Deployment/spotpack-system/spotpack-scheduler");
    JsonNode spotpackPatch = patch.at("/spec/template/spec/containers/0");
    for (JsonNode c : deployment.at("/spec/template/spec/containers")) {
      if (c.path("name").stringValue().equals("spotpack")) {
        ((ArrayNode) c.get("ports")).addAll((ArrayNode) spotpackPatch.get("ports"));
        ((ArrayNode) c.get("volumeMounts")).addAll((ArrayNode) spotpackPatch.get("volumeMounts"));
      }
    }
    ((ArrayNode) deployment.at("/spec/template/spec/volumes"))
        .addAll((ArrayNode) patch.at("/spec/template/spec/volumes"));

    assertThat(objects(helm.template("webhook.enabled=true"))).isEqualTo(want);
  }

  @Test
  void thePrometheusRuleIsManifestsMonitorings() throws Exception {
    assertThat(Files.readString(Path.of("charts/spotpack/files/spotpack-rules.yaml")))
        .isEqualTo(Files.readString(Path.of("manifests/monitoring/spotpack-rules.yaml")));
    Map<String, JsonNode> rendered =
        objects(helm.template("monitoring.prometheusRule=true", "monitoring.serviceMonitor=true"));
    assertThat(rendered.get("PrometheusRule/spotpack-system/spotpack"))
        .isEqualTo(single(files("manifests/monitoring", "prometheusrule.yaml")));
    assertThat(rendered).containsKey("ServiceMonitor/spotpack-system/spotpack");
  }

  /** spotpack reads the config the chart renders from values, as it will at start. */
  @Test
  void theRenderedSpotpackConfigIsValid() throws Exception {
    String text = "";
    for (JsonNode doc :
        docs(
            helm.template(
                "webhook.enabled=true",
                "webhook.placementGate=false",
                "config.spot.allowDrivers=true"))) {
      if (doc.at("/metadata/name").stringValue().equals("spotpack-config")) {
        text = doc.at("/data/spotpack.yaml").stringValue();
      }
    }
    SpotpackConfig config = new ConfigLoader().parse(text, "the chart's spotpack-config");
    assertThat(config.policy().driversOnSpot()).isTrue();
    assertThat(config.server().webhook().placementGate()).isFalse();
  }

  /** tls.secretName: spotpack serves HTTPS, kube-scheduler calls it so, both mount the Secret. */
  @Test
  void tlsSwitchesBothEndsToHttps() throws Exception {
    String rendered = helm.template("tls.secretName=extender-tls", "tls.clientAuth=true");
    String spotpackYaml = "";
    String schedulerYaml = "";
    JsonNode deployment = null;
    for (JsonNode doc : docs(rendered)) {
      String name = doc.at("/metadata/name").stringValue();
      if (name.equals("spotpack-config")) {
        spotpackYaml = doc.at("/data/spotpack.yaml").stringValue();
      } else if (name.equals("spotpack-scheduler-config")) {
        schedulerYaml = doc.at("/data/config.yaml").stringValue();
      } else if (doc.path("kind").stringValue().equals("Deployment")) {
        deployment = doc;
      }
    }
    SpotpackConfig config = new ConfigLoader().parse(spotpackYaml, "the chart's spotpack-config");
    assertThat(config.server().tls().certFile()).hasToString("/etc/spotpack/tls/tls.crt");
    assertThat(config.server().tls().clientCaFile()).hasToString("/etc/spotpack/tls/ca.crt");
    JsonNode extender = YAML.readTree(schedulerYaml).at("/extenders/0");
    assertThat(extender.path("urlPrefix").stringValue())
        .isEqualTo("https://127.0.0.1:8888/scheduler");
    assertThat(extender.at("/tlsConfig/caFile").stringValue())
        .isEqualTo("/etc/spotpack-scheduler/tls/ca.crt");
    assertThat(extender.at("/tlsConfig/certFile").stringValue())
        .isEqualTo("/etc/spotpack-scheduler/tls/tls.crt");
    List<String> mounts = new ArrayList<>();
    deployment
        .at("/spec/template/spec/containers")
        .forEach(
            c ->
                c.path("volumeMounts")
                    .forEach(
                        m ->
                            mounts.add(
                                c.path("name").stringValue()
                                    + ":"
                                    + m.path("mountPath").stringValue())));
    assertThat(mounts)
        .contains("kube-scheduler:/etc/spotpack-scheduler/tls", "spotpack:/etc/spotpack/tls");
  }

  static String files(String dir, String... names) throws IOException {
    StringBuilder all = new StringBuilder();
    for (String name : names) {
      all.append(Files.readString(Path.of(dir, name))).append("\n---\n");
    }
    return all.toString();
  }

  static JsonNode single(String yaml) throws IOException {
    List<JsonNode> docs = docs(yaml);
    assertThat(docs).hasSize(1);
    return docs.get(0);
  }

  /** Objects by kind/namespace/name, ConfigMap data that is YAML parsed into trees. */
  static Map<String, JsonNode> objects(String yaml) throws IOException {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode doc : docs(yaml)) {
      ObjectNode o = (ObjectNode) doc;
      if (o.path("kind").stringValue().equals("ConfigMap")) {
        ObjectNode data = (ObjectNode) o.get("data");
        for (String key : new ArrayList<>(data.propertyNames())) {
          data.set(key, YAML.readTree(data.get(key).stringValue()));
        }
      }
      String key =
          o.path("kind").stringValue()
              + "/"
              + o.path("metadata").path("namespace").asString("")
              + "/"
              + o.path("metadata").path("name").stringValue();
      out.put(key, o);
    }
    return out;
  }

  static List<JsonNode> docs(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = YAML.createParser(yaml)) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }
}
