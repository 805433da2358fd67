package dev.spotpack.policy.model;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * What the policy knows of a node: its name, labels (which decide whether it is spot) and
 * allocatable resources.
 *
 * <p>Immutable: equal by name, labels and allocatable. It also remembers one value derived from
 * those (see {@link #derived}), the way {@link String} remembers its hash.
 */
public final class NodeInfo {
  private final String name;
  private final Map<String, String> labels;
  private final Resources allocatable;

  /**
   * The last value {@link #derived} computed. One field, written without a lock: the values are
   * immutable (final fields), so threads racing to fill it compute equal values and each sees a
   * complete one. It is the value itself, not a holder of it with its owner: the filter reads it
   * for every candidate node, and at 5,000 candidates each object on the way is a cache miss.
   */
  private @Nullable Derived derived;

  /** A value derived from a node that names what it was derived for. */
  public interface Derived {
    /** What the value was computed for, compared by identity. */
    Object owner();
  }

  public NodeInfo(String name, Map<String, String> labels, Resources allocatable) {
    this.name = name;
    // not Map.copyOf: its open addressing is quadratic when many keys share a hashCode, and a full
    // Node object in a request can carry any labels; HashMap's tree bins keep that O(n log n)
    this.labels = Collections.unmodifiableMap(new HashMap<>(labels));
    this.allocatable = allocatable;
  }

  public String name() {
    return name;
  }

  public Map<String, String> labels() {
    return labels;
  }

  public Resources allocatable() {
    return allocatable;
  }

  /**
   * {@code compute(owner, this)}, remembered for {@code owner}: the filter asks whether a node is
   * spot and which pool it is in for each of hundreds of candidates per call, and again for every
   * node an in-flight executor may land on; the labels behind the answer change only with a new
   * NodeInfo. {@code compute} must depend only on this node and on {@code owner}, which is compared
   * by identity (pass a method reference that captures nothing, so that asking allocates nothing).
   * The value names {@code owner} as its {@link Derived#owner}. A second owner replaces the first
   * (and is recomputed if the first comes back).
   */
  @SuppressWarnings("unchecked")
  public <O, T extends Derived> T derived(O owner, BiFunction<O, NodeInfo, T> compute) {
    Derived d = derived;
    if (d != null && d.owner() == owner) {
      return (T) d; // one owner's compute always makes one type
    }
    T value = compute.apply(owner, this);
    if (value.owner() != owner) {
      throw new IllegalArgumentException("a derived value must name its owner");
    }
    derived = value;
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeInfo other
        && Objects.equals(name, other.name)
        && labels.equals(other.labels)
        && Objects.equals(allocatable, other.allocatable);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, labels, allocatable);
  }

  @Override
  public String toString() {
    return "NodeInfo[name=" + name + ", labels=" + labels + ", allocatable=" + allocatable + "]";
  }
}
