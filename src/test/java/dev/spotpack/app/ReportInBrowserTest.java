package dev.spotpack.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate --report DIR}, as people look at it: headless Chromium (Debian's package, which
 * .ci/run installs; skipped with that reason where it is missing) loads the page, and the DOM it
 * builds and the pixels it paints are checked. The page has no scripts, so none can fail; every
 * chart must carry data (lines with points, dots per job), and the screenshot must show each
 * strategy's colour.
 */
class ReportInBrowserTest {
  static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--hide-scrollbars");

  @Test
  void chromiumRendersEveryChartWithData(@TempDir Path dir) throws Exception {
    Path chromium =
        Stream.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"))
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    assumeTrue(chromium != null, "chromium not installed (Debian package chromium)");
    MainTest.Run sim = MainTest.run("simulate", "--report", dir.resolve("report").toString());
    assertThat(sim.exitCode()).isZero();
    String url = dir.resolve("report/index.html").toUri().toString();

    String dom = run(chromium, dir, "--dump-dom", url);
    assertThat(dom).doesNotContain("<script").contains("<table id=\"summary\">");
    assertThat(count(dom, "<tr>")).as("summary rows (header included)").isGreaterThanOrEqualTo(18);
    List<Integer> pointsPerLine = new ArrayList<>();
    Matcher m = Pattern.compile("<polyline[^>]* points=\"([^\"]*)\"").matcher(dom);
    while (m.find()) {
      pointsPerLine.add(m.group(1).trim().split(" ").length);
    }
    // capacity: 2 lines x 3 strategies; cost and utilisation: 3 lines each; a day is 1,440 minutes
    assertThat(pointsPerLine).hasSize(12).allSatisfy(n -> assertThat(n).isEqualTo(1440));
    assertThat(count(dom, "class=\"pool-event\"")).as("pool events marked").isPositive();
    assertThat(count(dom, "<svg class=\"distribution\""))
        .as("a distribution per profile")
        .isEqualTo(3);
    assertThat(count(dom, "<circle")).as("dots: pool events and jobs").isGreaterThan(50);

    Path png = dir.resolve("report.png");
    run(chromium, dir, "--window-size=1000,4200", "--screenshot=" + png, url);
    BufferedImage image = ImageIO.read(png.toFile());
    Map<String, Integer> strategyColours =
        Map.of("LeastAllocated", 0xd95f02, "MostAllocated", 0x7570b3, "spotpack", 0x1b9e77);
    for (Map.Entry<String, Integer> colour : strategyColours.entrySet()) {
      int pixels = 0;
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          if ((image.getRGB(x, y) & 0xffffff) == colour.getValue()) {
            pixels++;
          }
        }
      }
      assertThat(pixels).as("pixels painted in %s's colour", colour.getKey()).isGreaterThan(500);
    }
  }

  static String run(Path chromium, Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(chromium.toString()));
    command.addAll(FLAGS);
    command.add("--user-data-dir=" + dir.resolve("profile"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    assertThat(p.exitValue()).as("chromium's exit code").isZero();
    return out;
  }

  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }
}
