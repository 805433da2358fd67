package dev.spotpack.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * Node names read by {@link SchedulerLayout}, each remembered with where its characters lie in the
 * request body, so that an answer repeating some of them copies those bytes.
 *
 * <p>In the scheduling loop a filter answer's names cost more than their size suggests: each one
 * written through {@link NameTable} touched the name, the table's slots and the encoded copy, a few
 * cache misses per name on a machine whose caches the API server and kube-scheduler keep evicting
 * (async-profiler, round 8 of the scheduling loop: 5.9% of spotpack's CPU went to writing answers
 * of about 230 names; 2.6% once they were copied from the request). The request body was read
 * moments before and its bytes are still in cache; the layout reader accepted them only as
 * printable ASCII without escapes, so they are valid JSON string content as they stand.
 *
 * <p>Immutable (the body is not copied: it belongs to the call that read it, and nothing writes to
 * it after reading). Valid only within that call: the HTTP layer reads bodies into pooled memory
 * and gives it back once the answer is written.
 */
final class RequestNames extends AbstractList<String> implements RandomAccess {
  private final byte[] body;
  private final String[] names;
  // each name's entry in `table` (-1: not held), for callers that keep facts by entry
  private final NameTable table;
  private final int[] entries;
  // the layout has the names one after another ("a","b"): name i ends at its closing quote
  // ends[i] and starts GAP bytes after the one before it; the first starts at firstFrom
  private final int firstFrom;
  private final int[] ends;
  private final int readCount;
  // the positions kept, in order; null: all that were read
  private final int @Nullable [] kept;

  private RequestNames(
      byte[] body,
      String[] names,
      NameTable table,
      int[] entries,
      int firstFrom,
      int[] ends,
      int readCount,
      int @Nullable [] kept) {
    this.body = body;
    this.names = names;
    this.table = table;
    this.entries = entries;
    this.firstFrom = firstFrom;
    this.ends = ends;
    this.readCount = readCount;
    this.kept = kept;
  }

  @Override
  public String get(int index) {
    if (index < 0 || index >= size()) {
      throw new IndexOutOfBoundsException("index " + index + ", size " + size());
    }
    return names[position(index)];
  }

  @Override
  public int size() {
    return kept == null ? readCount : kept.length;
  }

  /**
   * Each name's entry in {@code table} by its index in this list (-1 for a name the table does not
   * hold), or null if these names were not read with {@code table}.
   */
  @Nullable IntUnaryOperator entriesIn(NameTable table) {
    return table == this.table && kept == null ? this::entry : null;
  }

  private int entry(int index) {
    if (index < 0 || index >= readCount) {
      throw new IndexOutOfBoundsException("index " + index + ", size " + readCount);
    }
    return entries[index];
  }

  /**
   * Of these names, {@code passing}, still tied to the body: {@code passing} must hold the very
   * instances of this list, in its order (as a decision that keeps candidates in the order it was
   * given does); null when it does not, and the caller writes {@code passing} as any list.
   */
  @Nullable RequestNames subsequence(List<String> passing) {
    if (kept != null) {
      return null; // only the names as read are subsequenced
    }
    int n = passing.size();
    int[] positions = new int[n];
    int j = 0;
    // a reference comparison, so the names themselves are not read; one instance is one name, so
    // whichever occurrence of a repeated name is matched, its bytes are the same
    for (int i = 0; i < readCount && j < n; i++) {
      if (names[i] == passing.get(j)) {
        positions[j++] = i;
      }
    }
    return j == n
        ? new RequestNames(body, names, table, entries, firstFrom, ends, readCount, positions)
        : null;
  }

  /**
   * Writes the names as a JSON array, copied from the body. Names kept one after another lie in the
   * body as the array's own text ({@code "a","b"}: the layout reader checked every quote and
   * comma), so to a generator writing to a stream each run of them goes in one copy rather than one
   * string at a time: at 5,000 names writing them one by one was about a fifth of a filter call in
   * JMH, and in a filter's answer most names pass, in one run or a few (docs/benchmarks-log.md,
   * stop 38). Any other generator gets one string at a time (Jackson's generator of characters
   * refuses raw UTF-8).
   */
  void write(JsonGenerator gen) {
    int size = size();
    gen.writeStartArray(this, size);
    if (size > 0 && gen.streamWriteOutputTarget() instanceof OutputStream out) {
      gen.flush(); // what the generator holds goes first; after the runs it writes only the ']'
      try {
        writeRuns(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      // a generator of characters (Jackson's refuses raw UTF-8): the same names as strings
      for (int k = 0; k < size; k++) {
        gen.writeString(names[position(k)]);
      }
    }
    gen.writeEndArray();
  }

  /** Each run of consecutive positions as its bytes in the body, quotes included, comma-joined. */
  private void writeRuns(OutputStream out) throws IOException {
    int size = size();
    for (int k = 0; k < size; k++) {
      if (k > 0) {
        out.write(','); // between two runs, which the body has apart
      }
      int first = position(k);
      int last = first;
      while (k + 1 < size && position(k + 1) == last + 1) {
        k++;
        last++;
      }
      int from = start(first) - 1; // the opening quote
      out.write(body, from, ends[last] + 1 - from); // through the closing quote
    }
  }

  /** Whether these are the names as read, each index its position in the body. */
  boolean asRead() {
    return kept == null;
  }

  /** The body the names lie in (not a copy: read it, never write it). */
  byte[] body() {
    return body;
  }

  /** Where name {@code k}'s JSON string, opening quote included, starts in {@link #body}. */
  int quotedFrom(int k) {
    return start(position(Objects.checkIndex(k, size()))) - 1;
  }

  /** Where name {@code k}'s JSON string ends in {@link #body}: just after its closing quote. */
  int quotedTo(int k) {
    return ends[position(Objects.checkIndex(k, size()))] + 1;
  }

  /** The position in the body's names of kept name {@code k}. */
  private int position(int k) {
    return kept == null ? k : kept[k];
  }

  /** Where name {@code i}'s characters start in the body. */
  private int start(int i) {
    return start(i, firstFrom, ends);
  }

  /**
   * From one name's end to the next one's start: its closing quote, a comma, the next's opening.
   */
  private static final int GAP = 3;

  /** Where name {@code i} starts, the first at {@code firstFrom}, each next {@link #GAP} on. */
  private static int start(int i, int firstFrom, int[] ends) {
    return i == 0 ? firstFrom : ends[i - 1] + GAP;
  }

  /** Collects the names of one body as they are read, in order. Not thread-safe. */
  static final class Builder {
    private final byte[] body;
    private final NameTable table;
    private int[] ends;
    private int firstFrom = -1;
    private int size;

    /** For about {@code expected} names (more grow the array), looked up in {@code table}. */
    Builder(byte[] body, NameTable table, int expected) {
      this.body = body;
      this.table = table;
      this.ends = new int[Math.max(16, expected)];
    }

    int size() {
      return size;
    }

    /**
     * Adds the name whose characters are {@code body[from, end)}: the first at any {@code from},
     * each next one 3 bytes ({@code ","}) after the one before. A name the table holds is its
     * instance; any other a new string.
     */
    void add(int from, int end) {
      if (size == 0) {
        firstFrom = from;
      } else if (from != start(size, firstFrom, ends)) {
        throw new IllegalArgumentException("name at " + from + " does not follow the one before");
      }
      if (size == ends.length) {
        ends = Arrays.copyOf(ends, size * 2);
      }
      ends[size] = end;
      size++;
    }

    /**
     * The names added, each looked up in the table: all at once ({@link NameTable#entries}), which
     * overlaps their cache misses.
     */
    RequestNames build() {
      int[] entries = new int[size];
      String[] names = new String[size];
      table.entries(body, firstFrom, ends, GAP, size, entries);
      for (int i = 0; i < size; i++) {
        int entry = entries[i];
        if (entry >= 0) {
          names[i] = table.name(entry);
        } else {
          int from = start(i, firstFrom, ends);
          names[i] = new String(body, from, ends[i] - from, StandardCharsets.ISO_8859_1);
        }
      }
      return new RequestNames(body, names, table, entries, firstFrom, ends, size, null);
    }
  }
}
