/**
 * The simulator behind {@code spotpack simulate}: a day of Spark jobs on an autoscaled cluster with
 * spot interruptions, scheduled by LeastAllocated, MostAllocated, or MostAllocated with spotpack's
 * caps through the same {@link dev.spotpack.policy.SpotPolicy} that {@code serve} uses.
 *
 * <p>Import rule: JDK, {@code org.jspecify}, {@code dev.spotpack.policy} and {@code
 * dev.spotpack.cluster}. Pure and deterministic for a seed; rendering lives in {@code sim.report}.
 */
@NullMarked
package dev.spotpack.sim;

import org.jspecify.annotations.NullMarked;
