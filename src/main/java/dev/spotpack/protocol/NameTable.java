package dev.spotpack.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
 * (docs/benchmarks-log.md, stop 27). Read through the table, a known name is the cluster's own
 * instance, its hash already computed and its map lookups an identity check, and no new string is
 * made for it. With Jackson's reader that measured no faster (the probe cost what it saved); with
 * {@link SchedulerLayout}'s, which looks names up by their bytes, the lookup costs more than making
 * a string (JMH {@code readFilterRequest} 131 against 84 us) and saves more downstream ({@code
 * filterCallWritten} 485 against 561 us).
 *
 * <p>A name the table does not hold (a node added since it was built, or any name at all) is read
 * and written as before: the table changes the cost of a call, never its answer.
 *
 * <p>Immutable once {@link #of} returns it; safe to share across threads once published (as {@code
 * extender.KnownNodes} does, through a volatile field).
 */
public final class NameTable {
  public static final NameTable EMPTY = of(java.util.List.of());

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  // entry e: a held name, its characters, its JSON
  private final String[] names;
  private final char[][] chars;
  private final SerializedString[] json;

  /**
   * Entry e's ASCII bytes are {@code asciiBytes[asciiFrom[e], asciiFrom[e + 1])}, empty for a name
   * that is not ASCII. One array in entry order rather than an array per name: a lookup reads the
   * bytes it compares without first loading a reference to an object elsewhere in the heap, and the
   * names of a request that come in the table's order lie next to each other. Looking names up is
   * most of reading a 5,000-name request, and each lookup's cost is its cache misses.
   */
  private final byte[] asciiBytes;

  private final int[] asciiFrom;
  private int size; // entries added, while of() fills the table

  /**
   * Open addressing, at most half full: entry + 1 per slot, 0 for none; one index by {@link
   * String#hashCode}, one by {@link #asciiHash} (a byte array's word-at-a-time hash).
   */
  private final int[] byString;

  private final int[] byAscii;
  private final int mask;

  private NameTable(int capacity, int slots, int asciiCapacity) {
    this.names = new String[capacity];
    this.chars = new char[capacity][];
    this.json = new SerializedString[capacity];
    this.asciiBytes = new byte[asciiCapacity];
    this.asciiFrom = new int[capacity + 1];
    this.byString = new int[slots];
    this.byAscii = new int[slots];
    this.mask = slots - 1;
  }

  /** A table of {@code names} (the instances themselves are kept); duplicates are kept once. */
  public static NameTable of(Collection<String> names) {
    int slots = Integer.highestOneBit(Math.max(2, names.size()) * 2 - 1) << 1;
    int characters = 0;
    for (String name : names) {
      characters = Math.addExact(characters, name.length());
    }
    NameTable table = new NameTable(names.size(), slots, characters);
    for (String name : names) {
      table.add(name);
    }
    return table;
  }

  private void add(String name) {
    int i = slot(name.hashCode());
    while (byString[i] != 0) {
      if (names[byString[i] - 1].equals(name)) {
        return;
      }
      i = (i + 1) & mask;
    }
    int e = size++;
    byString[i] = e + 1;
    names[e] = name;
    chars[e] = name.toCharArray();
    SerializedString encoded = new SerializedString(name);
    encoded.asQuotedUTF8(); // encoded once here rather than racing on first use
    json[e] = encoded;
    int from = asciiFrom[e];
    asciiFrom[e + 1] = from;
    if (name.chars().allMatch(c -> c < 0x80)) {
      byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(bytes, 0, asciiBytes, from, bytes.length);
      asciiFrom[e + 1] = from + bytes.length;
      int j = slot(asciiHash(bytes, 0, bytes.length));
      while (byAscii[j] != 0) {
        j = (j + 1) & mask;
      }
      byAscii[j] = e + 1;
    }
  }

  /** How many names the table holds. */
  public int size() {
    return size;
  }

  /** The held name with these characters, or null. */
  public @Nullable String find(char[] buffer, int offset, int length) {
    int i = slot(hash(buffer, offset, length));
    int e;
    while ((e = byString[i]) != 0) {
      char[] c = chars[e - 1];
      if (c.length == length && Arrays.equals(c, 0, length, buffer, offset, offset + length)) {
        return names[e - 1];
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  /** The held name whose ASCII bytes these are, or null. */
  public @Nullable String find(byte[] buffer, int offset, int length) {
    int e = entry(buffer, offset, length);
    return e < 0 ? null : names[e];
  }

  /**
   * The entry of the held name whose ASCII bytes these are, or -1. Entry i is the i-th distinct
   * name {@link #of} was given (for names without repeats, its position among them), so that a
   * caller can keep what it knows of each name in arrays of that order.
   */
  public int entry(byte[] buffer, int offset, int length) {
    int i = slot(asciiHash(buffer, offset, length));
    int e;
    while ((e = byAscii[i]) != 0) {
      if (holds(e - 1, buffer, offset, length)) {
        return e - 1;
      }
      i = (i + 1) & mask;
    }
    return -1;
  }

  /**
   * The {@link #entry} of each of {@code count} names laid out one after another in {@code body}:
   * name i is {@code body[from(i), ends[i])}, where {@code from(0) = firstFrom} and {@code from(i)
   * = ends[i - 1] + gap}; entry i goes into {@code out[i]}.
   *
   * <p>The same answers as {@link #entry} name by name, found in passes over all the names: each
   * name's slot, then every slot's occupant, then each occupant's bytes. Name by name, each lookup
   * waited on its own cache misses, and the branch that ends the scan of each name (mispredicted at
   * every name's end) threw away the loads the processor had begun for the next; a pass that only
   * loads one slot per name has no such branch, so the misses of many names overlap.
   */
  void entries(byte[] body, int firstFrom, int[] ends, int gap, int count, int[] out) {
    int from = firstFrom;
    for (int i = 0; i < count; i++) { // the hashes, from bytes just read (in cache)
      int end = ends[i];
      out[i] = slot(asciiHash(body, from, end - from));
      from = end + gap;
    }
    for (int i = 0; i < count; i++) { // the occupants: independent loads
      out[i] = byAscii[out[i]] - 1;
    }
    from = firstFrom;
    for (int i = 0; i < count; i++) { // the bytes; past a collision, the probe as entry() does
      int end = ends[i];
      int length = end - from;
      int e = out[i];
      if (e >= 0 && !holds(e, body, from, length)) {
        out[i] = entry(body, from, length);
      }
      from = end + gap;
    }
  }

  /** Whether entry {@code e}'s ASCII bytes are {@code buffer[offset, offset + length)}. */
  private boolean holds(int e, byte[] buffer, int offset, int length) {
    int from = asciiFrom[e];
    if (asciiFrom[e + 1] - from != length) {
      return false;
    }
    if (length < 8) {
      return Arrays.equals(asciiBytes, from, from + length, buffer, offset, offset + length);
    }
    // eight bytes at a time, the last eight overlapping the ones before, as asciiHash reads them:
    // a node name is three or four words, where Arrays.equals' general mismatch cost a call
    int last = length - 8;
    for (int k = 0; k < last; k += 8) {
      if ((long) LONGS.get(asciiBytes, from + k) != (long) LONGS.get(buffer, offset + k)) {
        return false;
      }
    }
    return (long) LONGS.get(asciiBytes, from + last) == (long) LONGS.get(buffer, offset + last);
  }

  /** The name of an {@link #entry}. */
  public String name(int entry) {
    if (entry < 0 || entry >= size) {
      throw new IndexOutOfBoundsException("entry " + entry + ", size " + size);
    }
    return names[entry];
  }

  /** {@code name} as a JSON string, encoded once, if the table holds it; else null. */
  public @Nullable SerializedString json(String name) {
    int e = entry(name);
    return e < 0 ? null : json[e];
  }

  /** The {@link #entry} of {@code name}, or -1 if the table does not hold it. */
  public int entry(String name) {
    int i = slot(name.hashCode());
    int e;
    while ((e = byString[i]) != 0) {
      String held = names[e - 1];
      if (held == name || held.equals(name)) {
        return e - 1;
      }
      i = (i + 1) & mask;
    }
    return -1;
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

  /**
   * A hash of the bytes read eight at a time (the last eight overlapping the one before when the
   * length is not a multiple of eight): a node name of 27 bytes is four multiplications, where
   * {@link String#hashCode}'s is 27 dependent ones.
   */
  static int asciiHash(byte[] b, int offset, int length) {
    long h = length * GOLDEN;
    int end = offset + length;
    if (length >= 8) {
      for (int i = offset; i < end - 8; i += 8) {
        h = (h ^ (long) LONGS.get(b, i)) * GOLDEN;
      }
      h = (h ^ (long) LONGS.get(b, end - 8)) * GOLDEN;
    } else {
      for (int i = offset; i < end; i++) {
        h = (h ^ (b[i] & 0xff)) * GOLDEN;
      }
    }
    return (int) (h ^ (h >>> 29) ^ (h >>> 47));
  }
}
