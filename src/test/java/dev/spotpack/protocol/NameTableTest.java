package dev.spotpack.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NameTableTest {
  @ParameterizedTest
  @ValueSource(
      strings = {"", "a", "ab", "abc", "abcd", "abcde", "ip-10-0-12-34.ec2.internal", "nœud-é"})
  void hashIsStringHashCode(String s) {
    char[] padded = ("xy" + s + "z").toCharArray();
    assertThat(NameTable.hash(padded, 2, s.length())).isEqualTo(s.hashCode());
  }

  @Test
  void findsTheHeldInstanceItself() {
    String held = new String("ip-10-0-0-1.ec2.internal".toCharArray());
    NameTable table = NameTable.of(List.of("ip-10-0-0-0.ec2.internal", held));

    char[] request = "[\"ip-10-0-0-1.ec2.internal\"]".toCharArray();
    assertThat(table.find(request, 2, held.length())).isSameAs(held);
  }

  @Test
  void numbersTheDistinctNamesInTheOrderGiven() {
    // "b" repeated keeps entry 1; "c" is the third distinct name, entry 2
    NameTable table = NameTable.of(List.of("a", "b", "b", "c"));
    byte[] body = "[\"a\",\"b\",\"c\",\"d\"]".getBytes(StandardCharsets.US_ASCII);

    assertThat(table.entry(body, 2, 1)).isEqualTo(0);
    assertThat(table.entry(body, 6, 1)).isEqualTo(1);
    assertThat(table.entry(body, 10, 1)).isEqualTo(2);
    assertThat(table.entry(body, 14, 1)).isEqualTo(-1);
    assertThat(table.name(2)).isEqualTo("c");
    assertThat(table.entry(new String("c".toCharArray()))).isEqualTo(2);
    assertThat(table.entry("d")).isEqualTo(-1);
    assertThat(table.size()).isEqualTo(3);
  }

  @Test
  void findsNothingForNamesItDoesNotHold() {
    // "Aa" and "BB" share a String.hashCode: the probe must compare the characters
    NameTable table = NameTable.of(List.of("Aa", "node-1"));

    assertThat(table.find("BB".toCharArray(), 0, 2)).isNull();
    assertThat(table.find("node-".toCharArray(), 0, 5)).isNull();
    assertThat(table.find("node-12".toCharArray(), 0, 7)).isNull();
    assertThat(NameTable.EMPTY.find("node-1".toCharArray(), 0, 6)).isNull();
  }

  @Test
  void holdsEveryNameOfALargeClusterWithCollisions() {
    List<String> names = new ArrayList<>();
    IntStream.range(0, 5000).forEach(i -> names.add("ip-10-0-" + i / 256 + "-" + i % 256));
    names.add("Aa");
    names.add("BB");
    NameTable table = NameTable.of(names);

    for (String name : names) {
      assertThat(table.find(name.toCharArray(), 0, name.length())).isSameAs(name);
      assertThat(table.json(new String(name.toCharArray()))).isNotNull();
    }
  }

  @Test
  void findsByAsciiBytesAtAnyLengthAndOffset() {
    List<String> names = new ArrayList<>();
    IntStream.range(0, 40).forEach(n -> names.add("x".repeat(n)));
    IntStream.range(0, 40).forEach(n -> names.add("ip-10-0-" + n + ".ec2.internal"));
    NameTable table = NameTable.of(names);

    for (String name : names) {
      for (int pad = 0; pad < 9; pad++) {
        byte[] body = ("[" + "\"".repeat(pad) + name + "\"]").getBytes(StandardCharsets.US_ASCII);
        assertThat(table.find(body, 1 + pad, name.length())).as(name).isSameAs(name);
        // one byte more or less is another name or none
        if (name.length() > 0 && !name.startsWith("x")) {
          assertThat(table.find(body, 1 + pad, name.length() - 1)).isNull();
          assertThat(table.find(body, 1 + pad, name.length() + 1)).isNull();
        }
      }
    }
  }

  /**
   * Many names at once ({@link NameTable#entries}) get the entries {@link NameTable#entry} gives
   * one by one: 3,000 random lists of 0 to 60 names laid out as a request has them, each name held
   * or not, of 0 to 40 bytes, from a table of 200 names whose home slots collide often (a table at
   * most half full probes past a neighbour for about one name in four).
   */
  @Test
  void findsManyNamesAtOnceAsOneByOne() {
    java.util.Random random = new java.util.Random(45);
    List<String> held = new ArrayList<>();
    IntStream.range(0, 200).forEach(i -> held.add(name(random, i)));
    held.add("n\u00e9"); // not ASCII: held, but never found by bytes
    NameTable table = NameTable.of(held);

    for (int list = 0; list < 3_000; list++) {
      int count = random.nextInt(61);
      List<String> names = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        names.add(
            random.nextBoolean() ? held.get(random.nextInt(held.size())) : name(random, -1 - i));
      }
      String prefix = "x".repeat(random.nextInt(9)) + "[\"";
      byte[] body =
          (prefix + String.join("\",\"", names) + "\"]").getBytes(StandardCharsets.ISO_8859_1);
      int[] ends = new int[count];
      int from = prefix.length();
      for (int i = 0; i < count; i++) {
        ends[i] = from + names.get(i).length();
        from = ends[i] + 3;
      }
      int[] out = new int[count];
      table.entries(body, prefix.length(), ends, 3, count, out);

      int start = prefix.length();
      for (int i = 0; i < count; i++) {
        int length = names.get(i).length();
        assertThat(out[i])
            .as("list %d, name %d: %s", list, i, names.get(i))
            .isEqualTo(table.entry(body, start, length));
        start += length + 3;
      }
    }
  }

  /** A name of 0 to 40 bytes: "ip-" and a number, or a run of one letter (collide in length). */
  private static String name(java.util.Random random, int i) {
    return random.nextBoolean()
        ? "ip-10-0-" + Math.abs(i) + "-" + random.nextInt(1000)
        : "q".repeat(random.nextInt(41));
  }

  /**
   * A name of the same length as the one held, one byte changed, is not it, whichever byte: the
   * bytes are compared eight at a time, the last eight overlapping. A table of one name has four
   * slots, so about a quarter of the changed names land on the held one's and are compared.
   */
  @Test
  void findsNoNameOneByteAwayAtAnyLength() {
    for (int length = 1; length <= 40; length++) {
      String held = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH".substring(0, length);
      NameTable table = NameTable.of(List.of(held));
      for (int at = 0; at < length; at++) {
        for (char c : new char[] {'-', '.', 'Z', (char) (held.charAt(at) + 1)}) {
          if (c == held.charAt(at)) {
            continue;
          }
          byte[] body =
              ("[\"" + held.substring(0, at) + c + held.substring(at + 1) + "\"]")
                  .getBytes(StandardCharsets.US_ASCII);
          assertThat(table.entry(body, 2, length)).as("%s at %d: %s", held, at, c).isEqualTo(-1);
          int[] out = new int[1];
          table.entries(body, 2, new int[] {2 + length}, 3, 1, out);
          assertThat(out[0]).as("%s at %d: %s", held, at, c).isEqualTo(-1);
        }
      }
      byte[] same = ("[\"" + held + "\"]").getBytes(StandardCharsets.US_ASCII);
      assertThat(table.entry(same, 2, length)).isEqualTo(0);
    }
  }

  @Test
  void findsNoNonAsciiNameByBytes() {
    NameTable table = NameTable.of(List.of("n\u00e9"));
    byte[] utf8 = "n\u00e9".getBytes(StandardCharsets.UTF_8);
    byte[] latin1 = "n\u00e9".getBytes(StandardCharsets.ISO_8859_1);

    assertThat(table.find(utf8, 0, utf8.length)).isNull();
    assertThat(table.find(latin1, 0, latin1.length)).isNull();
    assertThat(table.find("n\u00e9".toCharArray(), 0, 2)).isEqualTo("n\u00e9");
  }

  /**
   * Every ASCII name found by its bytes at its entry when names that are not ASCII (kept, but
   * without bytes) and repeats come between them: entries 0 a-1, 1 n\u00e9, 2 a-22, 3 \u00fc, 4
   * bbb-333.
   */
  @Test
  void findsAsciiNamesByBytesAmongOthers() {
    NameTable table =
        NameTable.of(List.of("a-1", "n\u00e9", "a-22", "a-1", "\u00fc", "bbb-333", "a-22"));
    byte[] body =
        "[\"a-1\",\"a-22\",\"bbb-333\",\"a-2\",\"bbb-33\"]".getBytes(StandardCharsets.US_ASCII);

    assertThat(table.size()).isEqualTo(5);
    assertThat(table.entry(body, 2, 3)).isEqualTo(0);
    assertThat(table.entry(body, 8, 4)).isEqualTo(2);
    assertThat(table.entry(body, 15, 7)).isEqualTo(4);
    assertThat(table.entry(body, 25, 3)).isEqualTo(-1); // a-2: a prefix of a-22
    assertThat(table.entry(body, 31, 6)).isEqualTo(-1); // bbb-33: a prefix of bbb-333
    assertThat(table.name(4)).isEqualTo("bbb-333");
  }

  @Test
  void encodesEachNameAsAJsonString() {
    NameTable table = NameTable.of(List.of("plain", "q\"uote\\d"));

    assertThat(new String(table.json("plain").asQuotedUTF8(), StandardCharsets.UTF_8))
        .isEqualTo("plain");
    assertThat(new String(table.json("q\"uote\\d").asQuotedUTF8(), StandardCharsets.UTF_8))
        .isEqualTo("q\\\"uote\\\\d");
    assertThat(table.json("other")).isNull();
  }
}
