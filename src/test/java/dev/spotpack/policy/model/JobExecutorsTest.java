package dev.spotpack.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobExecutorsTest {
  /**
   * e1 on spot-a, e2 on spot-c, e3 in flight on spot-a, spot-b and spot-c; pools z1 = {a, b}, z2 =
   * {c}.
   */
  final JobExecutors job =
      new JobExecutors(
          Map.of("e1", "spot-a", "e2", "spot-c"),
          Set.of("e3"),
          Map.of("e3", new InFlight(Set.of("spot-a", "spot-b", "spot-c"), Set.of("z1", "z2"))));

  final Map<String, String> pools = Map.of("spot-a", "z1", "spot-b", "z1", "spot-c", "z2");

  @Test
  void anInFlightExecutorCountsOnEachPossibleNodeButOnceInAPool() {
    // per node: spot-a e1 + e3 = 2, spot-b e3 = 1, spot-c e2 + e3 = 2
    assertThat(job.countsByNode("none")).isEqualTo(Map.of("spot-a", 2, "spot-b", 1, "spot-c", 2));
    // per pool: z1 e1 + e3 (once, though it may land on spot-a or spot-b) = 2; z2 e2 + e3 = 2
    assertThat(job.countsByGroup(pools::get, "none")).isEqualTo(Map.of("z1", 2, "z2", 2));
  }

  @Test
  void countsByPoolTakesAnInFlightExecutorsPoolsFromItsRecord() {
    // the same as countsByGroup, with e3's pools read from its record: z1 e1 + e3 = 2, z2 e2 + e3
    assertThat(job.countsByPool(pools::get, "none")).isEqualTo(Map.of("z1", 2, "z2", 2));
    // the record, not the function, places e3: a function that knows no pool still counts it
    assertThat(job.countsByPool(n -> null, "none")).isEqualTo(Map.of("z1", 1, "z2", 1));
    // without e3 only the bound ones: z1 = e1, z2 = e2
    assertThat(job.countsByPool(pools::get, "e3")).isEqualTo(Map.of("z1", 1, "z2", 1));
  }

  @Test
  void excludesThePodAndNodesWithoutAGroup() {
    // without e3: z1 = e1, z2 = e2
    assertThat(job.countsByGroup(pools::get, "e3")).isEqualTo(Map.of("z1", 1, "z2", 1));
    // spot-c has no group (say, an on-demand node): only z1 counts
    assertThat(job.countsByGroup(n -> n.equals("spot-c") ? null : pools.get(n), "none"))
        .isEqualTo(Map.of("z1", 2));
  }

  @Test
  void excludingABoundExecutorTakesItOffItsNodeAndPool() {
    // without e1: spot-a holds only e3 (in flight), z1 = e3 once; e2 and e3 as before on spot-c
    assertThat(job.countsByNode("e1")).isEqualTo(Map.of("spot-a", 1, "spot-b", 1, "spot-c", 2));
    assertThat(job.countsByPool(pools::get, "e1")).isEqualTo(Map.of("z1", 1, "z2", 2));
    // without e2, spot-c holds only e3 and z2 only e3's count
    assertThat(job.countsByGroup(pools::get, "e2")).isEqualTo(Map.of("z1", 2, "z2", 1));
    // on spot-a: e1 + e3 = 2; without e1 1; without e3 1
    assertThat(job.countOn("spot-a", "none")).isEqualTo(2);
    assertThat(job.countOn("spot-a", "e1")).isEqualTo(1);
    assertThat(job.countOn("spot-a", "e3")).isEqualTo(1);
    // on z1's nodes: e1 + e3 (once) = 2; on spot-c alone, without e2: e3 = 1
    assertThat(job.countWhere(n -> "z1".equals(pools.get(n)), "none")).isEqualTo(2);
    assertThat(job.countWhere("spot-c"::equals, "e2")).isEqualTo(1);
  }

  @Test
  void listsTheNodesAtOrAboveACount() {
    // per node: spot-a e1 + e3 = 2, spot-b e3 = 1, spot-c e2 + e3 = 2; one executor in flight
    assertThat(job.nodesWithAtLeast(1, "none"))
        .isEqualTo(Map.of("spot-a", 2, "spot-b", 1, "spot-c", 2));
    // 2 > the 1 in flight: only nodes with a bound executor are looked up; spot-b has none
    assertThat(job.nodesWithAtLeast(2, "none")).isEqualTo(Map.of("spot-a", 2, "spot-c", 2));
    // without e1, spot-a has only e3: 1
    assertThat(job.nodesWithAtLeast(2, "e1")).isEqualTo(Map.of("spot-c", 2));
    // without e3, nothing in flight: spot-a e1 = 1, spot-c e2 = 1
    assertThat(job.nodesWithAtLeast(2, "e3")).isEmpty();
    assertThat(job.nodesWithAtLeast(3, "none")).isEmpty();
  }

  @Test
  void aNodeWhoseOnlyExecutorIsExcludedIsNotListed() {
    JobExecutors one = new JobExecutors(Map.of("e1", "spot-a", "e2", "spot-b"), Set.of());
    assertThat(one.countsByNode("e1")).isEqualTo(Map.of("spot-b", 1));
    assertThat(one.countsByPool(pools::get, "e1")).isEqualTo(Map.of("z1", 1));
  }

  @Test
  void knowsEachExecutorsPlace() {
    // 2 bound + 1 pending = 3
    assertThat(job.count()).isEqualTo(3);
    assertThat(job.pendingCount()).isEqualTo(1);
    assertThat(job.pendingExecutorUids()).containsExactly("e3");
    assertThat(job.nodeOf("e1")).isEqualTo("spot-a");
    assertThat(job.nodeOf("e3")).isNull(); // pending
    assertThat(job.nodeOf("e9")).isNull(); // unknown
    assertThat(job.contains("e3")).isTrue();
    assertThat(job.contains("e9")).isFalse();
    Map<String, Integer> bound = new HashMap<>();
    job.forEachBoundNode(bound::put);
    assertThat(bound).isEqualTo(Map.of("spot-a", 1, "spot-c", 1));
  }

  @Test
  void refusesAnExecutorBothBoundAndPending() {
    assertThatThrownBy(() -> new JobExecutors(Map.of("e1", "spot-a"), Set.of("e1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("executor e1 is both bound and pending");
  }

  @Test
  void refusesAnExecutorBoundToANodeWithoutAName() {
    assertThatThrownBy(() -> new JobExecutors(Map.of("e1", ""), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("executor e1 is bound to a node without a name");
    JobExecutors.Writer writer = new JobExecutors.Writer();
    writer.put("e1", "spot-a", InFlight.NONE);
    assertThatThrownBy(() -> writer.put("e1", "", InFlight.NONE))
        .isInstanceOf(IllegalArgumentException.class);
    // the refused put changed nothing
    assertThat(writer.publish()).isEqualTo(new JobExecutors(Map.of("e1", "spot-a"), Set.of()));
  }

  @Test
  void aWriterPublishesTheSameVersionUntilSomethingChanges() {
    JobExecutors.Writer writer = new JobExecutors.Writer();
    writer.put("e1", "spot-a", InFlight.NONE);
    JobExecutors first = writer.publish();
    assertThat(writer.publish()).isSameAs(first);
    writer.remove("e9"); // not there: no change
    assertThat(writer.publish()).isSameAs(first);
    writer.put("e1", "spot-b", InFlight.NONE); // moved
    assertThat(writer.publish())
        .isNotSameAs(first)
        .isEqualTo(new JobExecutors(Map.of("e1", "spot-b"), Set.of()));
    assertThat(first).isEqualTo(new JobExecutors(Map.of("e1", "spot-a"), Set.of()));
  }

  /**
   * Publishing a job after a change copies the change, not the job: what keeps a job's cost per
   * executor from growing with its size (docs/benchmarks-log.md, stop 39).
   */
  @Test
  void aChangeIsPublishedWithoutCopyingTheJob() {
    JobExecutors.Writer writer = new JobExecutors.Writer();
    for (int i = 0; i < 3_000; i++) {
      writer.put("e" + i, "spot-" + (i % 300), InFlight.NONE);
    }
    JobExecutors before = writer.publish();
    // changes kept below the layers' fold thresholds: 20 executors (sqrt(2 x 3,000) = 77) on 11
    // nodes (the node counts: max(16, sqrt(2 x 300)) = 24); a fold, past them, copies once
    for (int i = 0; i < 10; i++) {
      writer.put("new-" + i, null, new InFlight(Set.of("spot-1", "spot-2"), Set.of("z1")));
      writer.put("e" + i, "spot-299", InFlight.NONE); // moved from spot-i
      JobExecutors after = writer.publish();
      assertThat(after.sharesMapsWith(before)).as("change %d", i).isTrue();
    }
    // 3,000 + 10 new = 3,010 executors, 10 of them pending; spot-299 held e299, e599, ..., e2999
    // (10) and gained e0..e9 (10)
    JobExecutors last = writer.publish();
    assertThat(last.count()).isEqualTo(3_010);
    assertThat(last.pendingCount()).isEqualTo(10);
    assertThat(last.countOn("spot-299", "none")).isEqualTo(10 + 10);
    assertThat(last.countOn("spot-0", "none")).isEqualTo(10 - 1);
  }

  /**
   * For random histories of executors created, sent in flight, bound, moved and removed, each
   * version a writer publishes is the job built from scratch from a plain model of the same
   * history, counts the same as that model counted one executor at a time, and stays so after the
   * writer moves on (versions share their maps).
   */
  @ParameterizedTest(name = "seed {0}, {1} executors, publish every {2} changes")
  @CsvSource({"1, 20, 1", "2, 20, 5", "3, 300, 1", "4, 300, 7", "5, 3000, 50", "6, 3000, 300"})
  void everyPublishedVersionIsTheJobBuiltFromScratch(long seed, int executors, int every) {
    Random random = new Random(seed);
    String[] nodes = {"spot-a", "spot-b", "spot-c", "spot-d", "od-1"};
    Map<String, String> poolOf =
        Map.of("spot-a", "z1", "spot-b", "z1", "spot-c", "z2", "spot-d", "z3");
    JobExecutors.Writer writer = new JobExecutors.Writer();
    Map<String, String> bound = new HashMap<>();
    Set<String> pending = new HashSet<>();
    Map<String, InFlight> inFlight = new HashMap<>();
    List<JobExecutors> versions = new ArrayList<>();
    List<JobExecutors> truths = new ArrayList<>();
    for (int step = 0; step < 4 * executors; step++) {
      String uid = "e" + random.nextInt(executors);
      String node = nodes[random.nextInt(nodes.length)];
      switch (random.nextInt(4)) {
        case 0 -> {
          writer.remove(uid);
          bound.remove(uid);
          pending.remove(uid);
          inFlight.remove(uid);
        }
        case 1 -> {
          // in flight to a spot node and spot-d, each in its pool
          String spot = nodes[random.nextInt(4)];
          InFlight flying =
              random.nextBoolean()
                  ? InFlight.NONE
                  : new InFlight(
                      new HashSet<>(List.of(spot, "spot-d")),
                      new HashSet<>(List.of(poolOf.get(spot), "z3")));
          writer.put(uid, null, flying);
          bound.remove(uid);
          pending.add(uid);
          inFlight.remove(uid);
          if (!flying.isEmpty()) {
            inFlight.put(uid, flying);
          }
        }
        default -> {
          writer.put(uid, node, InFlight.NONE);
          pending.remove(uid);
          inFlight.remove(uid);
          bound.put(uid, node);
        }
      }
      if (step % every == 0) {
        JobExecutors version = writer.publish();
        JobExecutors truth = new JobExecutors(bound, pending, inFlight);
        assertThat(version).isEqualTo(truth);
        String excluded = "e" + random.nextInt(executors);
        assertThat(version.count()).isEqualTo(bound.size() + pending.size());
        assertThat(version.countsByNode(excluded))
            .isEqualTo(countOneByOne(bound, inFlight, excluded, n -> n, InFlight::nodes));
        Map<String, Integer> byNode = version.countsByNode(excluded);
        // counts the in-flight executors alone reach, and counts only bound ones bring in reach
        int flying = (int) inFlight.keySet().stream().filter(u -> !u.equals(excluded)).count();
        for (int atLeast :
            List.of(0, 1, 2, 3, flying, flying + 1, flying + 2, flying + 5, flying + 40)) {
          Map<String, Integer> expected = new HashMap<>(byNode);
          int least = atLeast;
          expected.values().removeIf(n -> n < least);
          assertThat(version.nodesWithAtLeast(atLeast, excluded))
              .as("at least %d", atLeast)
              .isEqualTo(expected);
        }
        assertThat(version.countsByPool(poolOf::get, excluded))
            .isEqualTo(countOneByOne(bound, inFlight, excluded, poolOf::get, InFlight::pools));
        long onSpot =
            bound.entrySet().stream()
                    .filter(e -> !e.getKey().equals(excluded) && e.getValue().startsWith("spot"))
                    .count()
                + inFlight.keySet().stream().filter(u -> !u.equals(excluded)).count();
        assertThat(version.countWhere(n -> n.startsWith("spot"), excluded)).isEqualTo((int) onSpot);
        versions.add(version);
        truths.add(truth);
      }
    }
    // the older versions did not change while the writer went on
    assertThat(versions).isEqualTo(truths);
    assertThat(versions).hasSizeGreaterThanOrEqualTo(16); // 80 changes published every 5: 16
  }

  /** The plain way: one executor at a time. */
  private static Map<String, Integer> countOneByOne(
      Map<String, String> bound,
      Map<String, InFlight> inFlight,
      String excluded,
      Function<String, String> placeOfNode,
      Function<InFlight, Set<String>> placesInFlight) {
    Map<String, Integer> counts = new HashMap<>();
    bound.forEach(
        (uid, node) -> {
          String place = placeOfNode.apply(node);
          if (!uid.equals(excluded) && place != null) {
            counts.merge(place, 1, Integer::sum);
          }
        });
    inFlight.forEach(
        (uid, flying) -> {
          if (!uid.equals(excluded)) {
            placesInFlight.apply(flying).forEach(p -> counts.merge(p, 1, Integer::sum));
          }
        });
    return counts;
  }
}
