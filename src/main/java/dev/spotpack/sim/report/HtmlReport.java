package dev.spotpack.sim.report;

import dev.spotpack.sim.StrategyResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * {@code simulate --report DIR}: {@code DIR/index.html}, self-contained (inline CSS and SVG; no
 * scripts, fonts or network): the summary table, charts over time (nodes by capacity type per
 * strategy with its pool reclaim events marked, cost so far, cpu utilisation, executors lost per
 * reclaimed node) and, per profile, the distribution of each job's worst share lost to one reclaim.
 */
public final class HtmlReport {
  private static final String[] COLORS = {"#d95f02", "#7570b3", "#1b9e77"};
  private static final int W = 860;
  private static final int H = 220;
  private static final int PAD = 40;

  private HtmlReport() {}

  public static String render(List<StrategyResult> results, String workloadName, long seed) {
    StringBuilder h = new StringBuilder();
    h.append(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>spotpack"
                + " simulate</title><style>")
        .append(
            "body{font-family:sans-serif;margin:2em;color:#222;max-width:920px}table{border-collapse:collapse}")
        .append(
            "td,th{padding:4px 10px;border-bottom:1px solid"
                + " #ddd;text-align:right}th:first-child,td:first-child{text-align:left}")
        .append(
            "h2{margin-top:1.6em}.legend"
                + " span{display:inline-block;margin-right:1.2em}svg{background:#fafafa}")
        .append("</style></head><body>");
    h.append("<h1>spotpack simulate</h1><p>")
        .append(escape(workloadName))
        .append(", seed ")
        .append(seed)
        .append("</p>");
    summary(h, results);
    for (int i = 0; i < results.size(); i++) {
      StrategyResult r = results.get(i);
      h.append("<h2>Nodes by capacity type: ").append(escape(r.name())).append("</h2>");
      int maxNodes =
          results.stream()
              .flatMap(x -> x.timeline().stream())
              .mapToInt(s -> s.spotNodes() + s.onDemandNodes())
              .max()
              .orElse(1);
      h.append(
          chart(
              List.of(
                  series(r, s -> s.spotNodes(), "#1f77b4"),
                  series(r, s -> s.onDemandNodes(), "#999999")),
              maxNodes,
              "nodes",
              poolEventMinutes(r)));
      h.append(
          "<p class=\"legend\"><span style=\"color:#1f77b4\">■ spot</span><span"
              + " style=\"color:#999\">■ on-demand</span><span style=\"color:#c00\">┆ pool"
              + " reclaim event</span></p>");
    }
    h.append("<h2>Cost so far ($)</h2>");
    legend(h, results);
    h.append(
        chart(
            results.stream()
                .map(r -> series(r, s -> s.cost(), COLORS[results.indexOf(r) % 3]))
                .toList(),
            Math.max(
                1,
                results.stream()
                    .flatMap(r -> r.timeline().stream())
                    .mapToDouble(StrategyResult.Sample::cost)
                    .max()
                    .orElse(1)),
            "$",
            List.of()));
    h.append("<h2>CPU utilisation (requested / allocatable)</h2>");
    legend(h, results);
    h.append(
        chart(
            results.stream()
                .map(r -> series(r, s -> 100 * s.cpuUtilization(), COLORS[results.indexOf(r) % 3]))
                .toList(),
            100,
            "%",
            List.of()));
    h.append("<h2>Executors lost per reclaimed spot node (dot: part of a pool event)</h2>");
    legend(h, results);
    h.append(losses(results));
    h.append(
        "<h2>Each job's worst share lost to one reclaim, by profile</h2><p>One dot per job a"
            + " reclaim hit: the largest share of its executors (of its size N) one event, a node"
            + " or a pool event, took.</p>");
    h.append(shareDistribution(results));
    h.append("</body></html>\n");
    return h.toString();
  }

  private record Series(String color, double[] values) {}

  private static Series series(
      StrategyResult r, ToDoubleFunction<StrategyResult.Sample> f, String color) {
    return new Series(color, r.timeline().stream().mapToDouble(f).toArray());
  }

  private static void legend(StringBuilder h, List<StrategyResult> results) {
    h.append("<p class=\"legend\">");
    for (int i = 0; i < results.size(); i++) {
      h.append("<span style=\"color:")
          .append(COLORS[i % 3])
          .append("\">■ ")
          .append(escape(results.get(i).name()))
          .append("</span>");
    }
    h.append("</p>");
  }

  /** The summary as a table, with what its rows mean. */
  private static void summary(StringBuilder h, List<StrategyResult> results) {
    h.append("<table id=\"summary\"><tr><th></th>");
    results.forEach(r -> h.append("<th>").append(escape(r.name())).append("</th>"));
    h.append("</tr>");
    for (TableReport.Row row : TableReport.rows(results)) {
      // a row per profile under "worst share lost to one pool": indented as in the terminal
      boolean sub = row.label().startsWith("  ");
      h.append(sub ? "<tr><td style=\"padding-left:2em\">" : "<tr><td>")
          .append(escape(row.label().strip()))
          .append("</td>");
      row.cells().forEach(c -> h.append("<td>").append(escape(c)).append("</td>"));
      h.append("</tr>");
    }
    h.append("</table><p>");
    TableReport.notes().forEach(n -> h.append(escape(n)).append("<br>"));
    h.append("</p>");
  }

  /** The minute each of the strategy's pool reclaim events began. */
  private static List<Integer> poolEventMinutes(StrategyResult r) {
    Map<Integer, Integer> first = new TreeMap<>();
    for (StrategyResult.Interruption i : r.interruptions()) {
      if (i.poolEvent()) {
        first.merge(i.event(), i.minute(), Math::min);
      }
    }
    return List.copyOf(first.values());
  }

  /**
   * Per profile, one row per strategy: a dot per job at its worst share lost to one reclaim (0 to
   * 100%), spread vertically so that equal shares stay visible.
   */
  private static String shareDistribution(List<StrategyResult> results) {
    List<String> profiles =
        results.stream()
            .flatMap(r -> r.jobLosses().stream())
            .map(StrategyResult.JobLoss::profile)
            .distinct()
            .sorted()
            .toList();
    StringBuilder s = new StringBuilder();
    int rowH = 34;
    for (String profile : profiles) {
      s.append("<h3>").append(escape(profile)).append("</h3>");
      int h = rowH * results.size() + 30;
      s.append(svgStart("distribution", h));
      int left = 130;
      for (int pct = 0; pct <= 100; pct += 25) {
        double x = left + (W - left - 20) * pct / 100.0;
        s.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"4\" y2=\"%d\" stroke=\"#ddd\"/><text"
                    + " x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d%%</text>",
                x,
                x,
                h - 22,
                x,
                h - 8,
                pct));
      }
      for (int k = 0; k < results.size(); k++) {
        StrategyResult r = results.get(k);
        List<StrategyResult.JobLoss> hit =
            r.jobLosses().stream().filter(l -> l.profile().equals(profile)).toList();
        int y = 4 + k * rowH;
        s.append(
            String.format(
                Locale.ROOT,
                "<text x=\"4\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s (%d)</text>",
                y + rowH / 2 + 4,
                COLORS[k % 3],
                escape(r.name()),
                hit.size()));
        for (int j = 0; j < hit.size(); j++) {
          double x = left + (W - left - 20) * Math.min(1, hit.get(j).share());
          double dy = 6 + (j * 7) % (rowH - 12);
          s.append(
              String.format(
                  Locale.ROOT,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" fill-opacity=\"0.7\"/>",
                  x,
                  y + dy,
                  COLORS[k % 3]));
        }
      }
      s.append("</svg>");
    }
    return s.toString();
  }

  private static String chart(
      List<Series> series, double max, String unit, List<Integer> markMinutes) {
    StringBuilder s = new StringBuilder();
    s.append(svgStart("", H));
    int minutes = series.isEmpty() ? 0 : series.get(0).values().length;
    axes(s, max, unit, minutes);
    for (int minute : markMinutes) {
      double x = xAt(minute, Math.max(1, minutes));
      s.append(
          String.format(
              Locale.ROOT,
              "<line class=\"pool-event\" x1=\"%.1f\" x2=\"%.1f\" y1=\"10\" y2=\"%d\""
                  + " stroke=\"#c00\" stroke-dasharray=\"3,3\"/>",
              x,
              x,
              H - PAD));
    }
    for (Series x : series) {
      int n = x.values().length;
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < n; i++) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", xAt(i, n), yAt(x.values()[i], max)));
      }
      s.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"")
          .append(x.color())
          .append("\" points=\"")
          .append(pts)
          .append("\"/>");
    }
    return s.append("</svg>").toString();
  }

  private static String losses(List<StrategyResult> results) {
    int minutes = results.stream().mapToInt(r -> r.timeline().size()).max().orElse(1);
    double max =
        Math.max(
            1,
            results.stream()
                .flatMap(r -> r.interruptions().stream())
                .mapToInt(StrategyResult.Interruption::executorsLost)
                .max()
                .orElse(1));
    StringBuilder s = new StringBuilder();
    s.append(svgStart("", H));
    axes(s, max, "executors", minutes);
    for (int k = 0; k < results.size(); k++) {
      for (StrategyResult.Interruption i : results.get(k).interruptions()) {
        double x = xAt(i.minute(), minutes) + (k - 1) * 3;
        s.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                    + " stroke-width=\"3\"/>",
                x,
                x,
                yAt(0, max),
                yAt(i.executorsLost(), max),
                COLORS[k % 3]));
        if (i.poolEvent()) {
          s.append(
              String.format(
                  Locale.ROOT,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                  x,
                  yAt(i.executorsLost(), max) - 4,
                  COLORS[k % 3]));
        }
      }
    }
    return s.append("</svg>").toString();
  }

  /** The opening tag of a chart {@link #W} wide and {@code height} high, with a class if any. */
  private static String svgStart(String cssClass, int height) {
    return String.format(
        Locale.ROOT,
        "<svg%s width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
        cssClass.isEmpty() ? "" : " class=\"" + cssClass + "\"",
        W,
        height,
        W,
        height);
  }

  private static void axes(StringBuilder s, double max, String unit, int minutes) {
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>",
            PAD,
            H - PAD,
            W - 10,
            H - PAD));
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>",
            PAD,
            PAD,
            H - PAD));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"4\" y=\"18\" font-size=\"11\">%s %s</text>",
            fmt(max),
            escape(unit)));
    for (int hour = 0; hour * 60 <= minutes; hour += 4) {
      double x = xAt(hour * 60, Math.max(1, minutes));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%dh</text>",
              x,
              H - PAD + 14,
              hour));
    }
  }

  private static double xAt(int i, int n) {
    return PAD + (W - PAD - 10) * (n <= 1 ? 0 : i / (double) (n - 1));
  }

  private static double yAt(double v, double max) {
    return H - PAD - (H - PAD - 10) * (max <= 0 ? 0 : Math.min(v, max) / max);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
