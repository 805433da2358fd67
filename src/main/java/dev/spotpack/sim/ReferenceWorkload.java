package dev.spotpack.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The built-in workload of {@code spotpack simulate}: one day of a Spark platform.
 *
 * <ul>
 *   <li>Nodes: m6i.2xlarge (8 cpu, 32 GiB, $0.384/h on-demand, $0.15/h spot), m6i.4xlarge (16 cpu,
 *       64 GiB, $0.768/h, $0.30/h) and m6i.8xlarge (32 cpu, 128 GiB, $1.536/h, $0.60/h): us-east-1
 *       list prices and typical spot discounts.
 *   <li>Autoscaler: nodes ready 2 minutes after launch, removed after 5 minutes empty.
 *   <li>Zones: three; a capacity pool is one instance type in one zone (nine pools).
 *   <li>Spot reclaims ({@link Workload.SpotReclaims#DEFAULT}): 0.01 single-node reclaims per spot
 *       node-hour, plus 0.02 pool events per pool-hour, each taking half the pool's spot nodes
 *       within 3 minutes: about 2% of spot nodes reclaimed each hour in all, half of them in
 *       correlated events (docs/simulate.md explains the calibration).
 *   <li>Jobs: 160 over the first 22 hours, busier in the working day: 60% small (4–12 executors,
 *       20–60 min), 30% medium (16–40 executors, 45–120 min), 10% large (60–120 executors, 90–240
 *       min); executors of 2–4 cpu with 4 GiB per cpu; 40% use dynamic allocation (min a quarter of
 *       max); every job declares its size (spotpack.dev/expected-executors); profiles 30%
 *       COST_OVER_RELIABILITY, 50% the default BALANCED, 20% RELIABILITY_OVER_COST.
 * </ul>
 *
 * A job fails when one reclaim event takes more than 30% of its executors, and is submitted again
 * up to twice. Deterministic for a seed.
 */
public final class ReferenceWorkload {
  static final long GI = 1024L * 1024 * 1024;

  private ReferenceWorkload() {}

  public static Workload generate(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Workload.JobSpec> jobs = new ArrayList<>();
    for (int i = 0; i < 160; i++) {
      // arrivals: two thirds in the working day (hours 7 to 19), the rest spread over 22 hours
      int arrival = rng.nextDouble() < 0.67 ? 7 * 60 + rng.nextInt(12 * 60) : rng.nextInt(22 * 60);
      double kind = rng.nextDouble();
      int executors;
      int work;
      if (kind < 0.6) {
        executors = 4 + rng.nextInt(9);
        work = 20 + rng.nextInt(41);
      } else if (kind < 0.9) {
        executors = 16 + rng.nextInt(25);
        work = 45 + rng.nextInt(76);
      } else {
        executors = 60 + rng.nextInt(61);
        work = 90 + rng.nextInt(151);
      }
      int cores = 2 + rng.nextInt(3);
      double p = rng.nextDouble();
      String profile =
          p < 0.3 ? "COST_OVER_RELIABILITY" : p < 0.8 ? "BALANCED" : "RELIABILITY_OVER_COST";
      Workload.DynamicAllocation da =
          rng.nextDouble() < 0.4
              ? new Workload.DynamicAllocation(Math.max(1, executors / 4))
              : null;
      jobs.add(
          new Workload.JobSpec(
              "spark-" + String.format("%03d", i),
              arrival,
              work,
              executors,
              cores * 1000L,
              cores * 4L * GI,
              1000,
              4 * GI,
              Map.of(
                  "spotpack.dev/profile",
                  profile,
                  "spotpack.dev/expected-executors",
                  Integer.toString(executors)),
              da));
    }
    jobs.sort((a, b) -> Integer.compare(a.arrivalMinute(), b.arrivalMinute()));
    return new Workload(
        24 * 60,
        List.of(
            new Workload.InstanceType("m6i.2xlarge", 8_000, 32 * GI, 0.384, 0.15),
            new Workload.InstanceType("m6i.4xlarge", 16_000, 64 * GI, 0.768, 0.30),
            new Workload.InstanceType("m6i.8xlarge", 32_000, 128 * GI, 1.536, 0.60)),
        Workload.DEFAULT_ZONES,
        new Workload.Autoscaler(2, 5),
        Workload.SpotReclaims.DEFAULT,
        0.3,
        Workload.DEFAULT_JOB_RETRIES,
        jobs);
  }
}
