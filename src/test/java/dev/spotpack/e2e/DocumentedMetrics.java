package dev.spotpack.e2e;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which metrics in a scrape of spotpack docs/reference.md does not name. */
final class DocumentedMetrics {
  private static final Pattern DOCUMENTED = Pattern.compile("\\bspotpack_[a-z_]+\\b");

  /** A histogram's series are documented under its name: _bucket, _count, _sum and _max. */
  private static final Pattern SERIES_SUFFIX = Pattern.compile("_(bucket|count|sum|max)$");

  private DocumentedMetrics() {}

  /** The spotpack_* names in a Prometheus text scrape that the reference page does not name. */
  static Set<String> undocumented(String scrape, String referencePage) {
    Set<String> documented = new TreeSet<>();
    Matcher m = DOCUMENTED.matcher(referencePage);
    while (m.find()) {
      documented.add(m.group());
    }
    Set<String> missing = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      String name = line.split("[{ ]", 2)[0];
      if (line.startsWith("#") || !name.startsWith("spotpack_") || documented.contains(name)) {
        continue;
      }
      if (!documented.contains(SERIES_SUFFIX.matcher(name).replaceFirst(""))) {
        missing.add(name);
      }
    }
    return missing;
  }
}
