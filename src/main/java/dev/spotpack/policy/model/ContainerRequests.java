package dev.spotpack.policy.model;

/**
 * One container's resource requests. {@code sidecar} is true for an init container with {@code
 * restartPolicy: Always} (KEP-753), which runs beside the regular containers.
 *
 * <p>Immutable.
 */
public record ContainerRequests(Resources requests, boolean sidecar) {
  public static ContainerRequests regular(Resources requests) {
    return new ContainerRequests(requests, false);
  }

  public static ContainerRequests sidecar(Resources requests) {
    return new ContainerRequests(requests, true);
  }
}
