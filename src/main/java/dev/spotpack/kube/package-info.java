/**
 * The fabric8 edge: converts Kubernetes objects into the policy's model, reads snapshot files, and
 * (for a live cluster) talks to the API server.
 *
 * <p>Import rule: the only package besides {@code app} that imports fabric8. It may use {@code
 * policy}, {@code cluster}, {@code bind}, {@code protocol} (the objects of a full-Node call) and
 * Jackson.
 */
@NullMarked
package dev.spotpack.kube;

import org.jspecify.annotations.NullMarked;
