package dev.spotpack.policy.model;

import java.util.Arrays;
import java.util.List;

/**
 * The parts of a pod spec that decide its resource request: containers, init containers (in order),
 * {@code spec.overhead} and pod-level {@code spec.resources.requests}.
 *
 * <p>Immutable.
 */
public record PodResourceSpec(
    List<ContainerRequests> containers,
    List<ContainerRequests> initContainers,
    Resources overhead,
    Resources podLevelRequests) {

  public PodResourceSpec {
    containers = List.copyOf(containers);
    initContainers = List.copyOf(initContainers);
  }

  public static PodResourceSpec ofContainers(Resources... containers) {
    return new PodResourceSpec(
        Arrays.stream(containers).map(ContainerRequests::regular).toList(),
        List.of(),
        Resources.NONE,
        Resources.NONE);
  }
}
