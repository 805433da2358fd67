/**
 * The extender wire types, named exactly as upstream's {@code k8s.io/kube-scheduler/extender/v1}
 * (PascalCase keys, {@code null} for absent fields, integer scores), and the one JSON codec that
 * reads and writes them. See {@code ../shared/docs/extender-protocol.md} §1.
 *
 * <p>Import rule: JDK, Jackson and {@code org.jspecify}. Embedded Kubernetes objects stay JSON
 * trees here; the {@code kube} package converts them.
 */
@NullMarked
package dev.spotpack.protocol;

import org.jspecify.annotations.NullMarked;
