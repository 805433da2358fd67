package dev.spotpack.policy.spot;

import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.Resources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * What the policy reads of each node of one cluster view (whether the view knows it, whether it is
 * spot, its pool, its allocatable resources), in arrays by the node's position in a list of names.
 *
 * <p>The filter asks this of every candidate. Reached by name, each answer is a chain of objects
 * spread over the heap: the name, the node map's slot, the {@link NodeInfo}, its classification;
 * between two filter calls the API server and kube-scheduler, on the same cores, evict them, and at
 * 5,000 candidates those cache misses were most of the filter's CPU (docs/benchmarks-log.md, stops
 * 31 and 32). Here the answers for the whole cluster lie in two small arrays, and a caller that
 * knows each candidate's position (the request reader finds it while reading the name) reads them
 * without touching the node.
 *
 * <p>Immutable.
 */
public final class NodeFacts {
  /** The kind of a node the view does not hold. */
  public static final byte UNKNOWN = 0;

  public static final byte ON_DEMAND = 1;
  public static final byte SPOT = 2;

  private final SpotNodes spotNodes;
  private final byte[] kinds;
  // each spot node's pool, one String instance per pool (hash cached, shared by its nodes)
  private final String[] pools;
  // each node's allocatable, null for a node the view does not hold (prioritize's score reads it)
  private final @Nullable Resources[] allocatable;
  private final ToIntFunction<String> positionOf;

  private NodeFacts(
      SpotNodes spotNodes,
      byte[] kinds,
      String[] pools,
      @Nullable Resources[] allocatable,
      ToIntFunction<String> positionOf) {
    this.spotNodes = spotNodes;
    this.kinds = kinds;
    this.pools = pools;
    this.allocatable = allocatable;
    this.positionOf = positionOf;
  }

  /**
   * The facts of {@code names}, in that order, as {@code view} and {@code spotNodes} see them.
   *
   * @param positionOf a name's position in {@code names}, -1 for a name not among them: the index
   *     the caller already keeps of them (a name table built from the same list), not a second one
   */
  public static NodeFacts of(
      List<String> names, ClusterView view, SpotNodes spotNodes, ToIntFunction<String> positionOf) {
    byte[] kinds = new byte[names.size()];
    String[] pools = new String[names.size()];
    @Nullable Resources[] allocatable = new Resources[names.size()];
    Map<String, String> onePerPool = new HashMap<>();
    for (int i = 0; i < kinds.length; i++) {
      NodeInfo node = view.node(names.get(i));
      if (node == null) {
        kinds[i] = UNKNOWN; // no pool, no allocatable
        continue;
      }
      allocatable[i] = node.allocatable();
      if (spotNodes.isSpot(node)) {
        kinds[i] = SPOT;
        String pool = spotNodes.pool(node);
        pools[i] = onePerPool.computeIfAbsent(pool, p -> p);
      } else {
        kinds[i] = ON_DEMAND;
      }
    }
    return new NodeFacts(spotNodes, kinds, pools, allocatable, positionOf);
  }

  /** The classification these facts were made with. */
  public SpotNodes spotNodes() {
    return spotNodes;
  }

  public int size() {
    return kinds.length;
  }

  /** {@link #UNKNOWN}, {@link #ON_DEMAND} or {@link #SPOT}; UNKNOWN for -1 (a name not listed). */
  public byte kind(int position) {
    return position < 0 ? UNKNOWN : kinds[position];
  }

  /** The position of the node named {@code name}, or -1. */
  public int position(String name) {
    return positionOf.applyAsInt(name);
  }

  /** The allocatable resources of the node at {@code position}; null for -1 or a node not held. */
  public @Nullable Resources allocatable(int position) {
    return position < 0 ? null : allocatable[position];
  }

  /** The pool of the spot node at {@code position} ({@link SpotNodes#pool}). */
  public String pool(int position) {
    String pool = pools[position];
    if (pool == null) {
      throw new IllegalArgumentException("node " + position + " is not a spot node");
    }
    return pool;
  }
}
