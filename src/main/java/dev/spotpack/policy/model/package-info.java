/**
 * Immutable values the policy decides over: resources, pods, nodes, the cluster view. Converted
 * once at the edge (the {@code kube} package) from Kubernetes objects.
 *
 * <p>Import rule: JDK and {@code org.jspecify} only.
 */
@NullMarked
package dev.spotpack.policy.model;

import org.jspecify.annotations.NullMarked;
