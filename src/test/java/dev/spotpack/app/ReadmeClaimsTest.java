package dev.spotpack.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * What the README shows and claims of {@code simulate} is what the code prints: the front door's
 * table is the command's output, and the sentence under it holds for the seeds it names. A change
 * to the simulator or the policy that moves a figure fails here, and the README is updated with it.
 */
class ReadmeClaimsTest {
  private static final Path README = Path.of("README.md");

  @Test
  void theTableIsWhatSimulatePrints() throws IOException {
    MainTest.Run r = MainTest.run("simulate");
    assertThat(r.exitCode()).as(r.err()).isZero();
    // the output: a title line, the table, the legend; each after a blank line
    String[] paragraphs = r.out().split("\n\\s*\n");
    assertThat(paragraphs).as(r.out()).hasSizeGreaterThan(2);
    assertThat(lines(paragraphs[1])).isEqualTo(lines(tableInReadme()));
  }

  /**
   * "On seeds 1, 7 and 42, spotpack costs 0–4% more than uncapped bin-packing and 16–22% less than
   * the default scheduler, and no job ever has more than its caps on one spot node or in one pool."
   * Percentages as the sentence rounds them: 448.78 / 430.57 = 1.042, 4% more; 1 − 448.78 / 575.03
   * = 0.220, 22% less (the default seed's table); seed 7: 1 − 405.44 / 485.43 = 0.165, 16% less.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 42})
  void theSentenceUnderTheTableHoldsForEachSeedItNames(int seed) {
    JsonNode strategies = MainTest.simulatedStrategies("--seed", Integer.toString(seed));
    JsonNode least = strategies.get(0);
    JsonNode most = strategies.get(1);
    JsonNode spotpack = strategies.get(2);

    double cost = spotpack.get("cost").doubleValue();
    long moreThanBinPacking = Math.round((cost / most.get("cost").doubleValue() - 1) * 100);
    long lessThanDefault = Math.round((1 - cost / least.get("cost").doubleValue()) * 100);
    assertThat(moreThanBinPacking).as("%% more than MostAllocated").isBetween(0L, 4L);
    assertThat(lessThanDefault).as("%% less than LeastAllocated").isBetween(16L, 22L);
    assertThat(spotpack.get("capViolations").intValue()).isZero();
    assertThat(spotpack.get("poolCapViolations").intValue()).isZero();
  }

  /** The sentence the test above checks is the README's, word for word. */
  @Test
  void theSentenceCheckedIsTheReadmes() {
    assertThat(readme().replaceAll("\\s+", " "))
        .contains(
            "On seeds 1, 7 and 42, spotpack costs 0–4% more than uncapped bin-packing and 16–22%"
                + " less than the default scheduler, and no job ever has more than its caps on one"
                + " spot node or in one pool.");
  }

  /** The fenced block after "About a second on 2 cores:" (the README wraps its lines). */
  private static String tableInReadme() {
    String text = readme();
    int intro = text.indexOf("second on 2 cores:");
    assertThat(intro).as("README's introduction of the table").isNotNegative();
    int open = text.indexOf("```\n", intro);
    int close = text.indexOf("\n```", open + 4);
    assertThat(open).isNotNegative();
    assertThat(close).isGreaterThan(open);
    return text.substring(open + 4, close + 1);
  }

  private static String readme() {
    try {
      return Files.readString(README);
    } catch (IOException e) {
      throw new IllegalStateException("tests run from the repository root, where README.md is", e);
    }
  }

  private static List<String> lines(String text) {
    return text.lines().map(String::stripTrailing).toList();
  }
}
