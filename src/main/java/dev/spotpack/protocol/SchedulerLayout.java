package dev.spotpack.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads a filter or prioritize body laid out exactly as kube-scheduler writes it, and nothing else.
 *
 * <p>Go's {@code encoding/json} writes {@code ExtenderArgs} (kubernetes/kube-scheduler {@code
 * extender/v1/types.go}: fields {@code Pod}, {@code Nodes}, {@code NodeNames}, no tags) in field
 * order and without whitespace; with {@code nodeCacheCapable: true} the body is {@code
 * {"Pod":{...},"Nodes":null,"NodeNames":["a","b",...]}}. Jackson decodes each name into a character
 * buffer a byte at a time, and at 5,000 names reading the body cost as much as the decision (JMH
 * {@code VerbBenchmark.readFilterRequest}). This reader finds the end of each name eight bytes at a
 * time instead, for names of printable ASCII without escapes, as every Kubernetes node name is.
 *
 * <p>It accepts only that layout: any other key, order, case, whitespace inside, escape, non-ASCII
 * byte or size beyond {@link ExtenderJson}'s limits makes it answer null, and the caller reads the
 * body the general way, which decides the same for every body this accepts (and reports what is
 * wrong with the rest).
 */
final class SchedulerLayout {
  private static final byte[] HEAD = ascii("{\"Pod\":");
  private static final byte[] MIDDLE = ascii(",\"Nodes\":null,\"NodeNames\":[");

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private SchedulerLayout() {}

  /**
   * Where the pod's JSON object lies in the body ({@code [podFrom, podTo)}), the names, and the
   * pod's version (null unless its uid and resourceVersion are each a string given once).
   */
  record Read(int podFrom, int podTo, RequestNames names, @Nullable Version podVersion) {}

  /** A pod's {@code metadata.uid} and {@code metadata.resourceVersion}. */
  record Version(String uid, String resourceVersion) {}

  static @Nullable Read read(byte[] body, JsonTrees trees, NameTable known) {
    return read(body, 0, body.length, trees, known);
  }

  /**
   * As {@link #read(byte[], JsonTrees, NameTable)} for the body {@code body[from, to)}: the bytes
   * around it are not read. The positions in the answer are indices of {@code body}.
   */
  static @Nullable Read read(byte[] body, int from, int to, JsonTrees trees, NameTable known) {
    int podFrom = from + HEAD.length;
    if (!startsWith(body, from, to, HEAD) || to <= podFrom || body[podFrom] != '{') {
      return null;
    }
    int podTo;
    @Nullable Version version;
    try (JsonParser p = trees.parser(body, podFrom, to - podFrom)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      version = walkPod(p);
      // the parser fed from podFrom counts from there, and after skipping stands just past the '}'
      podTo = podFrom + (int) p.currentLocation().getByteOffset();
    } catch (JacksonException e) {
      return null;
    }
    if (podTo - podFrom > ExtenderJson.MAX_OBJECT_BYTES
        || podTo > to
        || body[podTo - 1] != '}'
        || !startsWith(body, podTo, to, MIDDLE)) {
      return null;
    }
    RequestNames names = names(body, podTo + MIDDLE.length, to, known);
    return names == null ? null : new Read(podFrom, podTo, names, version);
  }

  /**
   * Walks past the pod's object (the parser on its start, left on its end, as {@code skipChildren}
   * would), reading its version on the way: the metadata's fields are looked at, everything else is
   * skipped. A field given twice (Go's decoder would take the last one; the tree this body may
   * still become refuses it), or one that is not a string, leaves the version unknown (null).
   */
  private static @Nullable Version walkPod(JsonParser p) {
    String uid = null;
    String resourceVersion = null;
    int metadata = 0;
    int uids = 0;
    int versions = 0;
    for (String name = p.nextName(); name != null; name = p.nextName()) {
      if (p.nextToken() == JsonToken.START_OBJECT && name.equals("metadata")) {
        metadata++;
        for (String field = p.nextName(); field != null; field = p.nextName()) {
          String text = p.nextToken() == JsonToken.VALUE_STRING ? p.getString() : null;
          if (field.equals("uid")) {
            uids++;
            uid = text;
          } else if (field.equals("resourceVersion")) {
            versions++;
            resourceVersion = text;
          }
          p.skipChildren(); // past an object or array, whichever field holds it; no-op on a scalar
        }
      } else {
        p.skipChildren();
      }
    }
    return metadata == 1 && uids == 1 && versions == 1 && uid != null && resourceVersion != null
        ? new Version(uid, resourceVersion)
        : null;
  }

  /** The names from just after the array's '[' to the body's end, or null if not in layout. */
  private static @Nullable RequestNames names(byte[] body, int start, int n, NameTable known) {
    // kube-scheduler names at most the cluster's nodes, and each name takes at least 3 bytes
    RequestNames.Builder names =
        new RequestNames.Builder(body, known, Math.min(known.size(), (n - start) / 3));
    int i = start;
    if (i < n && body[i] == ']') {
      i++;
    } else {
      while (true) {
        if (i >= n || body[i] != '"') {
          return null;
        }
        int from = ++i;
        i = plainEnd(body, from, n);
        if (i < 0) {
          return null;
        }
        if (names.size() == ExtenderJson.MAX_NODES) {
          return null;
        }
        names.add(from, i);
        i++;
        if (i >= n) {
          return null;
        }
        if (body[i] == ']') {
          i++;
          break;
        }
        if (body[i] != ',') {
          return null;
        }
        i++;
      }
    }
    if (i >= n || body[i] != '}') {
      return null;
    }
    for (i++; i < n; i++) {
      byte b = body[i];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return null;
      }
    }
    return names.build();
  }

  /**
   * The index of the '"' that ends a string starting at {@code from}, or -1 if a byte before it is
   * a backslash, a control character or not ASCII (or the body ends, at {@code to}, first).
   */
  private static int plainEnd(byte[] body, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long word = (long) LONGS.get(body, i);
      // a byte's high bit is set in `flags` where it is '"', '\\', below 0x20 or above 0x7f; the
      // lowest flagged byte is exact (the borrow of the subtractions only reaches higher bytes)
      long quote = word ^ 0x2222222222222222L;
      long backslash = word ^ 0x5C5C5C5C5C5C5C5CL;
      long flags =
          ((quote - ONES) & ~quote)
              | ((backslash - ONES) & ~backslash)
              | ((word - 0x2020202020202020L) & ~word)
              | word;
      flags &= HIGHS;
      if (flags != 0) {
        int at = i + (Long.numberOfTrailingZeros(flags) >>> 3);
        return body[at] == '"' ? at : -1;
      }
    }
    for (; i < to; i++) {
      byte b = body[i];
      if (b == '"') {
        return i;
      }
      if (b < 0x20 || b == '\\') { // negative: not ASCII
        return -1;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] body, int at, int to, byte[] prefix) {
    return to - at >= prefix.length
        && java.util.Arrays.equals(body, at, at + prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
