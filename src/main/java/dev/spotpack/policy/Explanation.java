package dev.spotpack.policy;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Why spotpack lets a pod onto some nodes and not others: what {@code spotpack explain} prints.
 * kube-scheduler's {@code FailedScheduling} event merges and truncates reasons on a large cluster;
 * this lists every node.
 *
 * @param pod namespace/name
 * @param role what spotpack takes the pod for: "executor of job J", "driver of job J", or "not part
 *     of a Spark job"
 * @param job the job's executors and caps, or null for a pod outside a job
 * @param nodes every node, in name order, with spotpack's verdict
 * @param changes what would let the pod onto more nodes, most useful first
 *     <p>Immutable.
 */
public record Explanation(
    String pod,
    String role,
    @Nullable JobReport job,
    List<NodeVerdict> nodes,
    List<String> changes) {

  /**
   * One node: whether spotpack's rules let the pod on it, and if not, which rule and its message.
   *
   * @param pool the capacity pool of a spot node, "" for any other node
   */
  public record NodeVerdict(
      String node, boolean spot, String pool, @Nullable Rule rule, String reason) {
    public boolean passes() {
      return rule == null;
    }
  }

  public Explanation {
    nodes = List.copyOf(nodes);
    changes = List.copyOf(changes);
  }

  public long passing() {
    return nodes.stream().filter(NodeVerdict::passes).count();
  }
}
