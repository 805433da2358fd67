package dev.spotpack.e2e;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The figures issue 15 asks of one loop run (docs/benchmarks.md, "Where things stand"), from its
 * rounds: the first and the warm spotpack rounds' CPU per pod, the warm ones against
 * kube-scheduler's own CPU per pod without the extender, what following the pods costs spotpack
 * when it schedules nothing, and the throughput ratio; and spotpack's CPU as a share of
 * kube-apiserver's in the same round, which moves far less with the machine's speed from hour to
 * hour than either alone (docs/benchmarks-log.md, stops 33 and 35); and how much of the first and
 * the warm rounds' CPU was the JIT compiling, so that what the JIT has yet to finish is told apart
 * from what every pod costs once it has (stop 42). Printed as one {@code key=value} line that
 * {@code e2e/loop-bench.sh} gathers over several runs into medians and spreads.
 */
record LoopFigures(
    double firstRound,
    List<Double> warmRounds,
    double schedulerAlone,
    List<Double> timesSchedulerAlone,
    double followingWhileBinding,
    double followingCreation,
    double followingDeletion,
    double ratio,
    double firstTimesApiServer,
    List<Double> warmTimesApiServer,
    double firstCompiler,
    List<Double> warmCompiler) {

  /** Rounds counted warm: the last two spotpack rounds (the last one alone if there is one). */
  static final int WARM_ROUNDS = 2;

  /**
   * What one round measured, per pod bound.
   *
   * @param podsPerSecond the round's throughput, from the scheduler's readiness to the last binding
   * @param spotpackMs spotpack's CPU while the pods were bound
   * @param schedulerMs that round's kube-scheduler's CPU while the pods were bound
   * @param apiServerMs kube-apiserver's CPU while the pods were bound
   * @param creationMs spotpack's CPU while the batch was created, before its scheduler started
   * @param deletionMs spotpack's CPU while the batch was deleted, after its scheduler stopped
   * @param compilerMs of {@code spotpackMs}, spotpack's JIT compiler threads'
   */
  record Round(
      String name,
      double podsPerSecond,
      double spotpackMs,
      double schedulerMs,
      double apiServerMs,
      double creationMs,
      double deletionMs,
      double compilerMs) {}

  /**
   * @param plain1 the scheduler without the extender, before spotpack's rounds
   * @param spotpackRounds spotpack's rounds in order (at least one)
   * @param plain2 the scheduler without the extender, after them
   */
  static LoopFigures of(Round plain1, List<Round> spotpackRounds, Round plain2) {
    if (spotpackRounds.isEmpty()) {
      throw new IllegalArgumentException("no spotpack round");
    }
    List<Round> warm =
        spotpackRounds.subList(
            Math.max(0, spotpackRounds.size() - WARM_ROUNDS), spotpackRounds.size());
    double schedulerAlone = (plain1.schedulerMs() + plain2.schedulerMs()) / 2;
    // following the pods' creation and deletion, in every round after spotpack's first: the plain
    // rounds (spotpack follows, kube-scheduler alone binds) and spotpack's own; the worst of them
    List<Round> following =
        Stream.concat(spotpackRounds.stream().skip(1), Stream.of(plain2)).toList();
    Round last = spotpackRounds.get(spotpackRounds.size() - 1);
    return new LoopFigures(
        spotpackRounds.get(0).spotpackMs(),
        warm.stream().map(Round::spotpackMs).toList(),
        schedulerAlone,
        warm.stream().map(r -> r.spotpackMs() / schedulerAlone).toList(),
        plain2.spotpackMs(),
        following.stream().mapToDouble(Round::creationMs).max().orElseThrow(),
        following.stream().mapToDouble(Round::deletionMs).max().orElseThrow(),
        last.podsPerSecond() / ((plain1.podsPerSecond() + plain2.podsPerSecond()) / 2),
        timesApiServer(spotpackRounds.get(0)),
        warm.stream().map(LoopFigures::timesApiServer).toList(),
        spotpackRounds.get(0).compilerMs(),
        warm.stream().map(Round::compilerMs).toList());
  }

  private static double timesApiServer(Round r) {
    return r.spotpackMs() / r.apiServerMs();
  }

  /**
   * One line, {@code loop-figures key=value ...}, values in ms per pod unless named otherwise; a
   * key with several values (one per warm round) separates them with commas.
   */
  String line() {
    return String.format(
        Locale.ROOT,
        "loop-figures first_ms=%.2f warm_ms=%s scheduler_alone_ms=%.2f x_scheduler_alone=%s"
            + " following_binding_ms=%.3f following_creation_max_ms=%.3f"
            + " following_deletion_max_ms=%.3f ratio=%.2f x_apiserver_first=%.2f"
            + " x_apiserver_warm=%s first_jit_ms=%.2f warm_jit_ms=%s",
        firstRound,
        joined(warmRounds, "%.2f"),
        schedulerAlone,
        joined(timesSchedulerAlone, "%.2f"),
        followingWhileBinding,
        followingCreation,
        followingDeletion,
        ratio,
        firstTimesApiServer,
        joined(warmTimesApiServer, "%.2f"),
        firstCompiler,
        joined(warmCompiler, "%.2f"));
  }

  private static String joined(List<Double> values, String format) {
    return String.join(
        ",", values.stream().map(v -> String.format(Locale.ROOT, format, v)).toList());
  }
}
