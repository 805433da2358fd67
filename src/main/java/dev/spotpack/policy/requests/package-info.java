/**
 * A pod's effective resource request, computed as kube-scheduler computes it.
 *
 * <p>Import rule: JDK, {@code org.jspecify} and {@code dev.spotpack.policy.model} only.
 */
@NullMarked
package dev.spotpack.policy.requests;

import org.jspecify.annotations.NullMarked;
