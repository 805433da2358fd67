package dev.spotpack.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.PodRoles;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnownNodeNamesTest {
  private final ClusterState state = new ClusterState(PodRoles.SPARK);
  private final KnownNodeNames known = new KnownNodeNames(new SnapshotClusterSource(state));

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
