package dev.spotpack.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LayeredMapTest {

  static Stream<Arguments> foldThresholds() {
    return Stream.of(
        Arguments.of(0, 16), // never below 16
        Arguments.of(100, 16), // sqrt(200) = 14.1 -> 16
        Arguments.of(500, 31), // sqrt(1,000) = 31.6
        Arguments.of(5_000, 100), // sqrt(10,000) = 100
        Arguments.of(15_000, 173)); // sqrt(30,000) = 173.2
  }

  @ParameterizedTest(name = "base of {0} keys folds above {1} changed keys")
  @MethodSource("foldThresholds")
  void foldsAboveAboutTheSquareRootOfTwiceTheSize(int baseSize, int expected) {
    assertThat(LayeredMap.foldAbove(baseSize)).isEqualTo(expected);
  }

  static Stream<Arguments> histories() {
    // seed, keys in play, changes between publishes
    return Stream.of(
        Arguments.of(1L, 40, 1),
        Arguments.of(2L, 40, 7),
        Arguments.of(3L, 500, 3),
        Arguments.of(4L, 500, 60),
        Arguments.of(5L, 20, 25));
  }

  /**
   * Random puts and removals on a plain map, published every few changes: every published version
   * reads exactly as the plain map read at that moment, including versions published long before
   * (layers and folds never change an earlier version).
   */
  @ParameterizedTest(name = "seed {0}: {1} keys, {2} changes per publish")
  @MethodSource("histories")
  void everyVersionReadsAsThePlainMapDidWhenItWasPublished(
      long seed, int keys, int changesPerPublish) {
    Random random = new Random(seed);
    Map<String, Integer> current = new HashMap<>();
    LayeredMap<String, Integer> published = LayeredMap.empty();
    List<LayeredMap<String, Integer>> versions = new ArrayList<>();
    List<Map<String, Integer>> expected = new ArrayList<>();
    int folds = 0;
    for (int publish = 0; publish < 300; publish++) {
      Set<String> changed = new HashSet<>();
      for (int c = 0; c < changesPerPublish; c++) {
        String key = "k" + random.nextInt(keys);
        if (random.nextInt(4) == 0) {
          current.remove(key);
        } else {
          current.put(key, random.nextInt(1000));
        }
        changed.add(key);
      }
      LayeredMap<String, Integer> next = published.with(changed, current);
      if (next.layerSize() == 0) {
        folds++;
      }
      assertThat(next.layerSize()).isLessThanOrEqualTo(LayeredMap.foldAbove(keys));
      published = next;
      versions.add(published);
      expected.add(Map.copyOf(current));
    }
    for (int v = 0; v < versions.size(); v++) {
      LayeredMap<String, Integer> version = versions.get(v);
      Map<String, Integer> want = expected.get(v);
      for (int k = 0; k < keys; k++) {
        assertThat(version.get("k" + k))
            .as("version %d, key k%d", v, k)
            .isEqualTo(want.get("k" + k));
      }
      assertThat(entries(version)).as("version %d", v).isEqualTo(want);
    }
    // the histories are long enough that the layer is folded at least once
    assertThat(folds).isPositive();
  }

  private static Map<String, Integer> entries(LayeredMap<String, Integer> map) {
    Map<String, Integer> all = new HashMap<>();
    map.forEach((k, v) -> assertThat(all.put(k, v)).as("%s visited once", k).isNull());
    return all;
  }
}
