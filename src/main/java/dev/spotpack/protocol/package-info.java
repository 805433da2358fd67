/**
 * The extender wire types, named exactly as upstream's {@code k8s.io/kube-scheduler/extender/v1}
 * (PascalCase keys, {@code null} for absent fields, integer scores), and the one JSON codec that
 * reads and writes them (upstream: kubernetes/kubernetes {@code
 * staging/src/k8s.io/kube-scheduler/extender/v1/types.go}, and the client that sends them, {@code
 * pkg/scheduler/extender.go}).
 *
 * <p>Import rule: JDK, Jackson, {@code org.jspecify} and {@code policy} (for quoting client text).
 * Embedded Kubernetes objects stay JSON trees here; the {@code kube} package converts them.
 */
@NullMarked
package dev.spotpack.protocol;

import org.jspecify.annotations.NullMarked;
