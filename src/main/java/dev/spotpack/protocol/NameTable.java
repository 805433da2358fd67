package dev.spotpack.protocol;

import java.util.Arrays;
import java.util.Collection;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.SerializedString;

/**
 * The cluster's node names, to read a request's names as the very {@code String}s the cluster's
 * maps are keyed by, and to write them back pre-encoded.
 *
 * <p>A filter call at 5,000 nodes reads 5,000 names and writes most of them back. Written from the
 * table, each passing name is a copy of bytes encoded once instead of a check of every character
 * for escaping: a filter call with its answer written went from 545 to 506 us (JMH {@code
 * VerbBenchmark.filterCallWritten}), and spotpack's CPU per call through HTTP fell by 9%
 * (docs/benchmarks.md, stop 27). Read through the table, a known name is the cluster's own
 * instance, its hash already computed and its map lookups an identity check, and no new string is
 * made for it; that measured no faster by itself (its probe costs what it saves) but leaves 5,000
 * fewer objects per call to the collector.
 *
 * <p>A name the table does not hold (a node added since it was built, or any name at all) is read
 * and written as before: the table changes the cost of a call, never its answer.
 *
 * <p>Immutable; safe to share across threads.
 */
public final class NameTable {
  public static final NameTable EMPTY = of(java.util.List.of());

  /** Open addressing, at most half full; a slot holds a name, its characters and its JSON. */
  private final String[] names;

  private final char[][] chars;
  private final SerializedString[] json;
  private final int mask;

  private NameTable(int slots) {
    this.names = new String[slots];
    this.chars = new char[slots][];
    this.json = new SerializedString[slots];
    this.mask = slots - 1;
  }

  /** A table of {@code names} (the instances themselves are kept); duplicates are kept once. */
  public static NameTable of(Collection<String> names) {
    int slots = Integer.highestOneBit(Math.max(2, names.size()) * 2 - 1) << 1;
    NameTable table = new NameTable(slots);
    for (String name : names) {
      table.add(name);
    }
    return table;
  }

  private void add(String name) {
    int i = slot(name.hashCode());
    while (names[i] != null) {
      if (names[i].equals(name)) {
        return;
      }
      i = (i + 1) & mask;
    }
    names[i] = name;
    chars[i] = name.toCharArray();
    SerializedString encoded = new SerializedString(name);
    encoded.asQuotedUTF8(); // encoded once here rather than racing on first use
    json[i] = encoded;
  }

  /** The held name with these characters, or null. */
  public @Nullable String find(char[] buffer, int offset, int length) {
    int i = slot(hash(buffer, offset, length));
    String name;
    while ((name = names[i]) != null) {
      char[] c = chars[i];
      if (c.length == length && Arrays.equals(c, 0, length, buffer, offset, offset + length)) {
        return name;
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  /** {@code name} as a JSON string, encoded once, if the table holds it; else null. */
  public @Nullable SerializedString json(String name) {
    int i = slot(name.hashCode());
    String held;
    while ((held = names[i]) != null) {
      if (held == name || held.equals(name)) {
        return json[i];
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  private int slot(int hash) {
    return (hash ^ (hash >>> 16)) & mask;
  }

  /**
   * {@link String#hashCode} of the characters, four at a time: the four products are independent,
   * so the processor overlaps them instead of waiting for each multiplication in turn.
   */
  static int hash(char[] c, int offset, int length) {
    int h = 0;
    int i = offset;
    int end = offset + length;
    for (; i + 3 < end; i += 4) {
      h = 923521 * h + 29791 * c[i] + 961 * c[i + 1] + 31 * c[i + 2] + c[i + 3];
    }
    for (; i < end; i++) {
      h = 31 * h + c[i];
    }
    return h;
  }
}
