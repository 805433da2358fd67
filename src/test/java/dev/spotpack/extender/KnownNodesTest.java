package dev.spotpack.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.NodeOverlay;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.NodeFacts;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.policy.spot.SpotNodes;
import dev.spotpack.protocol.ExtenderArgs;
import dev.spotpack.protocol.ExtenderJson;
import dev.spotpack.testing.Build;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnownNodesTest {
  private final ClusterState state = new ClusterState(PodRoles.SPARK);
  private final KnownNodes known =
      new KnownNodes(new SnapshotClusterSource(state), SpotNodes.DEFAULT);

  private static NodeInfo node(String name, String instanceType) {
    return new NodeInfo(
        name,
        Map.of("node.kubernetes.io/instance-type", instanceType),
        Resources.cpuMemory(4000, 16L << 30));
  }

  private String lookUp(String name) {
    return known.current().find(name.toCharArray(), 0, name.length());
  }

  @Test
  void describesEachNodeAtItsEntryInTheTable() {
    state.upsertNode(Build.spotNode("spot-a"));
    state.upsertNode(Build.onDemandNode("od-1"));
    state.upsertNode(Build.spotNode("spot-b"));
    KnownNodes.Known k = known.known();

    for (String name : List.of("spot-a", "od-1", "spot-b")) {
      byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
      int entry = k.table().entry(bytes, 0, bytes.length);
      assertThat(k.table().name(entry)).isEqualTo(name);
      assertThat(k.facts().position(name)).isEqualTo(entry);
      assertThat(k.facts().kind(entry))
          .as(name)
          .isEqualTo(name.startsWith("spot") ? NodeFacts.SPOT : NodeFacts.ON_DEMAND);
    }
    assertThat(k.describes(state.snapshot())).isTrue();
  }

  /**
   * A filter read with a table built before a node changed must not decide on that table's facts:
   * od-1 was on-demand then, and is spot now, so a driver may not go there.
   */
  @Test
  void aFilterDecidesOnTheNodesAsTheyAreNotAsTheTableOnceDescribedThem() {
    state.upsertNode(Build.onDemandNode("od-1"));
    KnownNodes.Known before = known.known();
    state.upsertNode(Build.spotNode("od-1"));
    KubeModel model = new KubeModel(new KubernetesSerialization(), PodRoles.SPARK.labelKeys());
    ExtenderJson json = new ExtenderJson(model::keepsLabel, KubeModel::keepsAnnotation);
    FilterVerb verb =
        new FilterVerb(
            new SpotPolicy(PolicyConfig.DEFAULT),
            new SnapshotClusterSource(state),
            model,
            Clock.systemUTC());
    byte[] body =
        ("{\"Pod\":{\"metadata\":{\"name\":\"d\",\"namespace\":\"spark\",\"uid\":\"u-1\","
                + "\"labels\":{\"spark-app-selector\":\"app-1\",\"spark-role\":\"driver\"}}},"
                + "\"Nodes\":null,\"NodeNames\":[\"od-1\"]}")
            .getBytes(StandardCharsets.UTF_8);

    ExtenderArgs stale = json.readArgs(body, before.table());
    assertThat(stale.nameEntries(before.table())).isNotNull();
    assertThat(before.facts().kind(0)).isEqualTo(NodeFacts.ON_DEMAND);
    assertThat(verb.filter(stale, before).decision().rejected()).containsOnlyKeys("od-1");

    KnownNodes.Known now = known.known();
    assertThat(now.describes(state.snapshot())).isTrue();
    assertThat(verb.filter(json.readArgs(body, now.table()), now).decision().rejected())
        .containsOnlyKeys("od-1");
  }

  /**
   * The verbs read facts by entry only for the very snapshot the facts describe: never for a
   * request's own Node objects laid over it, nor once the node map has changed, nor without facts.
   */
  @Test
  void givesEntriesOnlyForTheSnapshotTheFactsDescribe() {
    state.upsertNode(Build.spotNode("spot-a"));
    KnownNodes.Known k = known.known();
    ClusterSnapshot snapshot = state.snapshot();
    KubeModel model = new KubeModel(new KubernetesSerialization(), PodRoles.SPARK.labelKeys());
    ExtenderJson json = new ExtenderJson(model::keepsLabel, KubeModel::keepsAnnotation);
    ExtenderArgs args =
        json.readArgs(
            "{\"Pod\":{\"metadata\":{\"name\":\"e\",\"namespace\":\"spark\"}},\"Nodes\":null,\"NodeNames\":[\"spot-a\"]}"
                .getBytes(StandardCharsets.UTF_8),
            k.table());

    assertThat(KnownNodes.entries(k, args, snapshot, snapshot)).isNotNull();
    assertThat(KnownNodes.entries(null, args, snapshot, snapshot)).isNull();
    NodeOverlay overlay = new NodeOverlay(snapshot, Map.of("spot-a", Build.onDemandNode("spot-a")));
    assertThat(KnownNodes.entries(k, args, overlay, snapshot)).isNull();
    state.upsertNode(Build.onDemandNode("spot-a"));
    ClusterSnapshot changed = state.snapshot();
    assertThat(KnownNodes.entries(k, args, changed, changed)).isNull();
  }

  @Test
  void keepsTheTableWhileTheNodesStayAndRebuildsItWhenOneIsAdded() {
    state.upsertNode(node("a", "m5.large"));
    var first = known.current();
    assertThat(known.current()).isSameAs(first);
    assertThat(lookUp("a")).isEqualTo("a");

    state.upsertNode(node("b", "m5.large"));

    assertThat(known.current()).isNotSameAs(first);
    assertThat(lookUp("b")).isEqualTo("b");
  }

  @Test
  void anUpdateThatChangesNothingKeepsTheTable() {
    state.upsertNode(node("a", "m5.large"));
    var first = known.current();
    state.upsertNode(
        node("a", "m5.large")); // an update that changes nothing spotpack reads publishes nothing

    assertThat(known.current()).isSameAs(first);
  }

  @Test
  void forgetsARemovedNode() {
    state.upsertNode(node("a", "m5.large"));
    state.upsertNode(node("b", "m5.large"));
    known.current();

    state.removeNode("b");

    assertThat(lookUp("b")).isNull();
    assertThat(lookUp("a")).isEqualTo("a");
  }
}
