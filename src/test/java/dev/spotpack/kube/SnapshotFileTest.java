package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.spot.PodRoles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotFileTest {
  private final ClusterState state = new ClusterState(PodRoles.SPARK);
  private final SnapshotFile file =
      new SnapshotFile(
          LeanDecoding.serialization(),
          new KubeModel(LeanDecoding.serialization(), PodRoles.SPARK.labelKeys()));

  private SnapshotFile.Summary load(String text) throws IOException {
    return file.load(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.yaml", state);
  }

  private static final String NODE =
      """
      {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "NAME", "labels": {"a": "b"}},
       "status": {"allocatable": {"cpu": "16", "memory": "64Gi", "pods": "110"}}}\
      """;

  private static String pod(String name, String node, String phase) {
    return """
    {"apiVersion": "v1", "kind": "Pod",
     "metadata": {"name": "NAME", "namespace": "spark", "uid": "uid-NAME"},
     "spec": {"nodeName": NODE, "containers": [{"name": "c",
       "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}]},
     "status": {"phase": "PHASE"}}\
    """
        .replace("NAME", name)
        .replace("NODE", node == null ? "null" : "\"" + node + "\"")
        .replace("PHASE", phase);
  }

  /** Two nodes; a bound pod, a pending one, a finished one; a ConfigMap. */
  private static final List<String> ITEMS =
      List.of(
          NODE.replace("NAME", "n1"),
          NODE.replace("NAME", "n2"),
          pod("bound", "n1", "Running"),
          pod("pending", null, "Pending"),
          pod("done", "n2", "Succeeded"),
          "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"x\"}}");

  private static final SnapshotFile.Summary EXPECTED =
      new SnapshotFile.Summary(2, 2, 1, Map.of("ConfigMap", 1));

  @Test
  void readsAJsonList() throws IOException {
    assertThat(
            load(
                "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": ["
                    + String.join(",", ITEMS)
                    + "]}"))
        .isEqualTo(EXPECTED);
    assertThat(state.pod("spark", "bound"))
        .hasValueSatisfying(p -> assertThat(p.isBound()).isTrue());
    assertThat(state.pod("spark", "pending"))
        .hasValueSatisfying(p -> assertThat(p.isBound()).isFalse());
    assertThat(state.pod("spark", "done")).isEmpty();
  }

  @Test
  void readsAYamlListInKubectlsOrder() throws IOException {
    // kubectl get -o yaml writes the List's fields in this order, items before kind; each item
    // here in YAML's flow style (JSON on one line)
    StringBuilder yaml = new StringBuilder("apiVersion: v1\nitems:\n");
    ITEMS.forEach(item -> yaml.append("- ").append(item.replace('\n', ' ')).append('\n'));
    yaml.append("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    assertThat(load(yaml.toString())).isEqualTo(EXPECTED);
    assertThat(state.pod("spark", "bound")).isPresent();
  }

  @Test
  void readsEveryDocumentOfAStream() throws IOException {
    // kubectl get nodes -o yaml > f; kubectl get pods -A -o yaml >> f, with a separator
    String nodes = "kind: List\nitems:\n- " + ITEMS.get(0).replace('\n', ' ') + "\n";
    String pods = "kind: List\nitems:\n- " + ITEMS.get(2).replace('\n', ' ') + "\n";
    assertThat(load(nodes + "---\n" + pods)).isEqualTo(new SnapshotFile.Summary(1, 1, 0, Map.of()));
  }

  @Test
  void readsASingleObject() throws IOException {
    assertThat(load(pod("alone", "n1", "Running")))
        .isEqualTo(new SnapshotFile.Summary(0, 1, 0, Map.of()));
  }

  @Test
  void anEmptyListIsEmpty() throws IOException {
    assertThat(load("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": []}"))
        .isEqualTo(new SnapshotFile.Summary(0, 0, 0, Map.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"kind\": \"List\", \"items\": [", "{{", "kind: [unclosed"})
  void malformedTextSaysSo(String text) {
    assertThatThrownBy(() -> load(text))
        .isInstanceOf(KubeModelException.class)
        .hasMessageStartingWith("test.yaml: not a Kubernetes YAML or JSON document");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1, 2]", "42", "{\"hello\": \"world\"}"})
  void somethingElseIsNotAList(String text) {
    assertThatThrownBy(() -> load(text))
        .isInstanceOf(KubeModelException.class)
        .hasMessageContaining("test.yaml")
        .hasMessageContaining("List of Nodes and Pods");
  }

  @Test
  void anItemThatIsNotAPodSaysWhich() {
    String bad = pod("bad", "n1", "Running").replace("\"cpu\": \"1\"", "\"cpu\": \"lots\"");
    assertThatThrownBy(() -> load("{\"kind\": \"List\", \"items\": [" + bad + "]}"))
        .isInstanceOf(KubeModelException.class)
        .hasMessageStartingWith("test.yaml: ")
        .hasMessageContaining("spark/bad");
  }
}
