package dev.spotpack.policy.requests;

import dev.spotpack.policy.model.ContainerRequests;
import dev.spotpack.policy.model.PodDemand;
import dev.spotpack.policy.model.PodResourceSpec;
import dev.spotpack.policy.model.Resources;

/**
 * A pod's effective request, following upstream's {@code PodRequests} and {@code
 * AggregateContainerRequests} (k8s.io/component-helpers/resource/helpers.go, read at
 * kubernetes-1.36.3) with the sidecar rule of KEP-753:
 *
 * <pre>
 *   containers  = Σ regular containers + Σ sidecars
 *   init        = max over ordinary init containers i of (request(i) + Σ sidecars declared before i)
 *                 (a sidecar itself counts as Σ sidecars up to and including it)
 *   pod         = max(containers, init), per resource
 *   pod         = pod with pod-level spec.resources.requests replacing the resources they name
 *   pod        += spec.overhead
 * </pre>
 *
 * For scoring, upstream first fills each container's (and each init container's) missing cpu and
 * memory request with 100m and 200 MiB ({@code pkg/scheduler/util/pod_resources.go}); an explicit 0
 * stays 0. In-place resize status resources are not modelled: spotpack decides for pending pods,
 * whose status carries none.
 *
 * <p>Stateless; safe to call from any thread.
 */
public final class PodRequests {
  /** Upstream's {@code DefaultMilliCPURequest}. */
  public static final long DEFAULT_MILLI_CPU_REQUEST = 100;

  /** Upstream's {@code DefaultMemoryRequest}: 200 MiB. */
  public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

  static final Resources NON_ZERO_DEFAULTS =
      Resources.cpuMemory(DEFAULT_MILLI_CPU_REQUEST, DEFAULT_MEMORY_REQUEST);

  private PodRequests() {}

  public static PodDemand demand(PodResourceSpec spec) {
    return new PodDemand(total(spec, Resources.NONE), total(spec, NON_ZERO_DEFAULTS));
  }

  /** The pod's request with {@code defaults} filled in for each container that misses a key. */
  static Resources total(PodResourceSpec spec, Resources defaults) {
    Resources sum = Resources.NONE;
    for (ContainerRequests c : spec.containers()) {
      sum = sum.plus(c.requests().withDefaultsForMissing(defaults));
    }
    Resources sidecars = Resources.NONE;
    Resources initPeak = Resources.NONE;
    for (ContainerRequests c : spec.initContainers()) {
      Resources own = c.requests().withDefaultsForMissing(defaults);
      Resources whileRunning;
      if (c.sidecar()) {
        sum = sum.plus(own);
        sidecars = sidecars.plus(own);
        whileRunning = sidecars;
      } else {
        whileRunning = own.plus(sidecars);
      }
      initPeak = initPeak.max(whileRunning);
    }
    Resources pod = sum.max(initPeak).replacedBy(spec.podLevelRequests());
    return pod.plus(spec.overhead());
  }
}
