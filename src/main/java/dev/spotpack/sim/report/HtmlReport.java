package dev.spotpack.sim.report;

import dev.spotpack.sim.StrategyResult;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * {@code simulate --report DIR}: {@code DIR/index.html}, self-contained (inline CSS and SVG; no
 * scripts, fonts or network), with the summary table and charts over time: nodes by capacity type
 * per strategy, cpu utilisation, and executors lost per reclaimed node, pool events marked.
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
    h.append("<pre>")
        .append(escape(TableReport.render(results, workloadName, seed)))
        .append("</pre>");
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
              "nodes"));
      h.append(
          "<p class=\"legend\"><span style=\"color:#1f77b4\">■ spot</span><span"
              + " style=\"color:#999\">■ on-demand</span></p>");
    }
    h.append("<h2>CPU utilisation (requested / allocatable)</h2>");
    legend(h, results);
    h.append(
        chart(
            results.stream()
                .map(r -> series(r, s -> 100 * s.cpuUtilization(), COLORS[results.indexOf(r) % 3]))
                .toList(),
            100,
            "%"));
    h.append("<h2>Executors lost per reclaimed spot node (dot: part of a pool event)</h2>");
    legend(h, results);
    h.append(losses(results));
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

  private static String chart(List<Series> series, double max, String unit) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
            W,
            H,
            W,
            H));
    axes(s, max, unit, series.isEmpty() ? 0 : series.get(0).values().length);
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
    s.append(
        String.format(
            Locale.ROOT,
            "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
            W,
            H,
            W,
            H));
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
