package dev.spotpack.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * docs/karpenter.md's table of {@code simulate --autoscaler} runs (seeds 1 / 7 / 42: executor-hours
 * pending with MostAllocated and with spotpack, and spotpack's cost divided by MostAllocated's) is
 * what the simulator gives, and no run passes a cap. The page's case for the webhook rests on it.
 */
class KarpenterPageTest {
  private static final Path PAGE = Path.of("docs/karpenter.md");
  private static final int[] SEEDS = {1, 7, 42};

  /** {@code | `karpenter-hints` | 46 / 53 / 50 | 77 / 75 / 74 | 1.04 / 1.04 / 1.02 |} */
  private static final Pattern ROW =
      Pattern.compile(
          "^\\| `([a-z-]+)`[^|]*\\| ([\\d /]+) \\| ([\\d /]+) \\| ([\\d./ ]+?)(?: \\([^)]*\\))?"
              + " \\|$",
          Pattern.MULTILINE);

  @Test
  void theTableOfAutoscalersIsWhatSimulateGives() throws IOException {
    Matcher row = ROW.matcher(Files.readString(PAGE));
    List<String> autoscalers = new ArrayList<>();
    while (row.find()) {
      String autoscaler = row.group(1);
      autoscalers.add(autoscaler);
      List<String> pendingMost = new ArrayList<>();
      List<String> pendingSpotpack = new ArrayList<>();
      List<String> costRatio = new ArrayList<>();
      for (int seed : SEEDS) {
        JsonNode strategies =
            MainTest.simulatedStrategies(
                "--seed", Integer.toString(seed), "--autoscaler", autoscaler);
        JsonNode most = strategies.get(1);
        JsonNode spotpack = strategies.get(2);
        pendingMost.add(hours(most));
        pendingSpotpack.add(hours(spotpack));
        costRatio.add(
            String.format(
                Locale.ROOT,
                "%.2f",
                spotpack.get("cost").doubleValue() / most.get("cost").doubleValue()));
        assertThat(spotpack.get("capViolations").intValue()).as(autoscaler + " " + seed).isZero();
        assertThat(spotpack.get("poolCapViolations").intValue())
            .as(autoscaler + " " + seed)
            .isZero();
      }
      assertThat(row.group(2)).as(autoscaler).isEqualTo(String.join(" / ", pendingMost));
      assertThat(row.group(3)).as(autoscaler).isEqualTo(String.join(" / ", pendingSpotpack));
      assertThat(row.group(4)).as(autoscaler).isEqualTo(String.join(" / ", costRatio));
    }
    assertThat(autoscalers).containsExactly("karpenter", "karpenter-hints", "ideal");
  }

  /** Executor-hours pending, rounded as simulate's table rounds them. */
  private static String hours(JsonNode strategy) {
    return String.format(Locale.ROOT, "%.0f", strategy.get("executorPendingHours").doubleValue());
  }
}
