/**
 * Node scoring: kube-scheduler's MostAllocated node score and its mapping to the extender's 0..10
 * range.
 *
 * <p>Import rule: JDK, {@code org.jspecify} and {@code dev.spotpack.policy.model} only.
 */
@NullMarked
package dev.spotpack.policy.score;

import org.jspecify.annotations.NullMarked;
