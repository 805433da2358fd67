package dev.spotpack.policy.model;

/**
 * What a pod asks of a node, computed once from its {@link PodResourceSpec}.
 *
 * @param requested the pod's requests as the in-tree fit filter sees them (no defaults)
 * @param nonZeroRequested the same with upstream's non-zero defaults for containers that name no
 *     cpu or memory request; what scoring uses for cpu and memory, on the node side and for the
 *     incoming pod (extended resources are equal in both)
 */
public record PodDemand(Resources requested, Resources nonZeroRequested) {
  public static final PodDemand NONE = new PodDemand(Resources.NONE, Resources.NONE);
}
