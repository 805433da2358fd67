/**
 * The simulator behind {@code spotpack simulate}: a day of Spark jobs on an autoscaled cluster with
 * spot interruptions, scheduled by LeastAllocated, MostAllocated, or MostAllocated with spotpack's
 * caps through the same {@link dev.spotpack.policy.SpotPolicy} that {@code serve} uses.
 *
 * <p>{@link dev.spotpack.sim.Simulation} drives the minute loop over its parts: the cluster ({@code
 * SimCluster}), the jobs' lives ({@code Jobs}), the scheduling pass ({@code Scheduler}), the
 * autoscaler ({@code Autoscaler}), reclaims ({@code Reclaims}) and what is measured ({@code
 * Ledger}). A {@link dev.spotpack.sim.Strategy} is a resource score plus {@code SpotRules}: the
 * team's pinning for the baselines, spotpack's extender for spotpack.
 *
 * <p>Import rule: JDK, {@code org.jspecify}, {@code dev.spotpack.policy} and {@code
 * dev.spotpack.cluster}. Pure and deterministic for a seed; rendering lives in {@code sim.report}.
 */
@NullMarked
package dev.spotpack.sim;

import org.jspecify.annotations.NullMarked;
