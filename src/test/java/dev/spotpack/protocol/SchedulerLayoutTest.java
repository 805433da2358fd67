package dev.spotpack.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast reader of kube-scheduler's layout must decide exactly as the general reader on every
 * body: bodies in the layout, and bodies one change away from it (seeded, so a failure reproduces),
 * compared through {@link ExtenderJson#readArgs} and {@link ExtenderJson#readArgsGenerally}.
 */
class SchedulerLayoutTest {
  private final JsonTrees trees = new JsonTrees();
  private final ExtenderJson json = new ExtenderJson(k -> !k.startsWith("x-"), k -> true);
  private final NameTable known =
      NameTable.of(List.of("ip-10-0-0-1.ec2.internal", "spot-1", "od-1", "n\u00e9"));

  private static final String POD =
      "{\"metadata\":{\"name\":\"exec-1\",\"namespace\":\"spark\",\"uid\":\"u1\",\"resourceVersion\":\"42\",\"labels\":"
          + "{\"spark-role\":\"executor\",\"x-skipped\":\"1\"}},\"spec\":{\"containers\":[{\"name\":"
          + "\"e\",\"resources\":{\"requests\":{\"cpu\":\"1\"}}}]}}";

  private static String laidOut(String pod, String names) {
    return "{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[" + names + "]}";
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "\"spot-1\"",
        "\"spot-1\",\"od-1\",\"unknown-9\"",
        "\"ip-10-0-0-1.ec2.internal\",\"\"",
        "\"a-name-of-exactly-sixteen\",\"12345678\",\"1234567\",\"123456789\""
      })
  void readsTheLayoutItselfAndAgreesWithTheGeneralReader(String names) {
    byte[] body = bytes(laidOut(POD, names));

    assertThat(SchedulerLayout.read(body, trees, known)).isNotNull();
    assertSameOutcome(body);
  }

  /**
   * The walk past the pod reads its uid and resourceVersion whatever they hold, and still ends at
   * the pod's end: the body is read in the layout, as the general reader reads it.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"metadata\":{\"uid\":{\"a\":[1,{\"b\":2}]},\"resourceVersion\":[\"1\",{}]},\"spec\":{}}",
        "{\"metadata\":{\"uid\":null,\"resourceVersion\":7},\"spec\":{\"metadata\":{\"uid\":\"x\"}}}",
        "{\"spec\":{},\"metadata\":{\"labels\":{\"uid\":\"y\"},\"uid\":\"u\",\"resourceVersion\":\"1\"}}",
        "{\"metadata\":[{\"uid\":\"u\"}],\"status\":{}}",
        "{\"metadata\":{}}"
      })
  void walksPastAnyPodToItsEnd(String pod) {
    byte[] body = bytes(laidOut(pod, "\"spot-1\""));

    assertThat(SchedulerLayout.read(body, trees, known)).isNotNull();
    assertSameOutcome(body);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // escapes, non-ASCII, raw control characters: left to the general reader
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"spot\\u002d1\"]}",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"n\u00e9\"]}",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"tab\there\"]}",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"back\\\\slash\"]}",
        // other layouts
        "{\"Pod\":POD,\"NodeNames\":[\"spot-1\"],\"Nodes\":null}",
        "{\"pod\":POD,\"Nodes\":null,\"NodeNames\":[\"spot-1\"]}",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"spot-1\"],\"NodeNames\":[\"od-1\"]}",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"spot-1\" ]}",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"spot-1\",]}",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"spot-1\"]} x",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"spot-1\"]}\n\t ",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"spot-1\",7]}",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"spot-1\"",
        "{\"Pod\":POD,\"Nodes\":null,\"NodeNames\":null}",
        "{\"Pod\":null,\"Nodes\":null,\"NodeNames\":[\"spot-1\"]}",
        "{\"Pod\":[],\"Nodes\":null,\"NodeNames\":[\"spot-1\"]}",
        "{\"Pod\":{\"metadata\":{\"name\":\"a\",\"name\":\"b\"}},\"Nodes\":null,\"NodeNames\":[]}",
        "{\"Pod\":{\"metadata\":{\"name\":\"a\"},\"Nodes\":null,\"NodeNames\":[]}",
      })
  void leavesEverythingElseToTheGeneralReaderWithTheSameOutcome(String template) {
    assertSameOutcome(bytes(template.replace("POD", POD)));
  }

  @Test
  void agreesOnEveryTruncationAndOnRandomChanges() {
    byte[] base = bytes(laidOut(POD, "\"spot-1\",\"od-1\",\"ip-10-0-0-1.ec2.internal\",\"z\""));
    for (int end = 0; end <= base.length; end++) {
      assertSameOutcome(java.util.Arrays.copyOf(base, end));
    }
    SplittableRandom rng = new SplittableRandom(20261203);
    byte[] alphabet = bytes("\"\\,[]{}: \t\nu0a-.\u00e9");
    int fast = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] body = base.clone();
      int changes = 1 + rng.nextInt(2);
      for (int c = 0; c < changes; c++) {
        body[rng.nextInt(body.length)] =
            rng.nextInt(4) == 0 ? (byte) rng.nextInt(256) : alphabet[rng.nextInt(alphabet.length)];
      }
      if (SchedulerLayout.read(body, trees, known) != null) {
        fast++;
      }
      assertSameOutcome(body);
    }
    // many changes (inside names, inside the pod) keep the layout: the fast reader was exercised
    assertThat(fast).isGreaterThan(1000);
  }

  @Test
  void findsEachNameEndAcrossEveryAlignment() {
    List<String> names = new ArrayList<>();
    StringBuilder list = new StringBuilder();
    for (int length = 0; length < 40; length++) {
      String name = "n".repeat(length);
      names.add(name);
      list.append(list.isEmpty() ? "" : ",").append('"').append(name).append('"');
    }
    for (int pad = 0; pad < 8; pad++) {
      String pod = "{\"p\":\"" + "x".repeat(pad) + "\"}";
      SchedulerLayout.Read read =
          SchedulerLayout.read(bytes(laidOut(pod, list.toString())), trees, known);
      assertThat(read).isNotNull();
      assertThat(read.names()).containsExactlyElementsOf(names);
    }
  }

  /**
   * Each name read is the table's, by its entry, for every length and alignment, and for the last
   * names, whose end is found byte by byte: a name read with no entry, or another's, would count as
   * an unknown node (or as another node) to the filter, which reads the candidates by entry.
   */
  @Test
  void findsEveryNameInTheTableAtEveryLengthAndAlignment() {
    SplittableRandom rng = new SplittableRandom(20261205);
    List<String> names = new ArrayList<>();
    for (int length = 1; length <= 40; length++) {
      StringBuilder name = new StringBuilder();
      for (int k = 0; k < length; k++) {
        name.append((char) (' ' + 1 + rng.nextInt(94))); // printable, no space
      }
      names.add(name.toString().replace("\"", "q").replace("\\", "b"));
    }
    NameTable table = NameTable.of(names);
    List<List<String>> lists = new ArrayList<>();
    lists.add(names);
    List<String> reversed = new ArrayList<>(names);
    Collections.reverse(reversed);
    lists.add(reversed);
    names.forEach(n -> lists.add(List.of(n)));
    for (List<String> list : lists) {
      String quoted = String.join(",", list.stream().map(n -> '"' + n + '"').toList());
      for (int pad = 0; pad < 8; pad++) {
        String pod = "{\"p\":\"" + "x".repeat(pad) + "\"}";
        SchedulerLayout.Read read = SchedulerLayout.read(bytes(laidOut(pod, quoted)), trees, table);
        assertThat(read).isNotNull();
        var entries = read.names().entriesIn(table);
        assertThat(entries).as("entries of names read with this table").isNotNull();
        for (int i = 0; i < list.size(); i++) {
          assertThat(entries.applyAsInt(i)).as(list.get(i)).isEqualTo(table.entry(list.get(i)));
          assertThat(read.names().get(i)).isSameAs(table.name(table.entry(list.get(i))));
        }
      }
    }
  }

  /**
   * A body read from inside a larger array is answered from its own bytes: a filter answer copies
   * the passing names from where the request has them.
   */
  @Test
  void aBodyInsideALargerArrayIsWrittenBackFromItsOwnBytes() {
    byte[] framed =
        framed(bytes(laidOut(POD, "\"spot-1\",\"od-1\",\"unknown-9\"")), "x{\"Pod\":", "\"]}");
    SchedulerLayout.Read read =
        SchedulerLayout.read(framed, FRAME_PREFIX, framed.length - 3, trees, known);

    assertThat(read).isNotNull();
    assertThat(read.names()).containsExactly("spot-1", "od-1", "unknown-9");
    RequestNames passing =
        read.names().subsequence(List.of(read.names().get(0), read.names().get(2)));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (tools.jackson.core.JsonGenerator gen =
        tools.jackson.databind.json.JsonMapper.builder().build().createGenerator(out)) {
      passing.write(gen);
    }
    assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("[\"spot-1\",\"unknown-9\"]");
  }

  /**
   * The same outcome from the body alone, and from the body inside a larger array (a pooled buffer)
   * between bytes that would change it if they were read: a prefix that is no body at all, and
   * after the body either the end of a name list (which would complete a body cut short inside a
   * name) or a stray byte (which would spoil a complete one).
   */
  private void assertSameOutcome(byte[] body) {
    String general = outcome(() -> json.readArgsGenerally(body, known));
    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(outcome(() -> json.readArgs(body, known))).as(text).isEqualTo(general);
    for (String after : List.of("\"]}", "x")) {
      byte[] framed = framed(body, "x{\"Pod\":", after);
      assertThat(
              outcome(
                  () ->
                      json.readArgs(
                          framed, FRAME_PREFIX, body.length, known, ExtenderJson.ReadPods.NONE)))
          .as("%s framed, then %s", text, after)
          .isEqualTo(general);
    }
  }

  private static final int FRAME_PREFIX = 8;

  private static byte[] framed(byte[] body, String before, String after) {
    byte[] head = bytes(before);
    assertThat(head).hasSize(FRAME_PREFIX);
    byte[] tail = bytes(after);
    byte[] framed = new byte[head.length + body.length + tail.length];
    System.arraycopy(head, 0, framed, 0, head.length);
    System.arraycopy(body, 0, framed, head.length, body.length);
    System.arraycopy(tail, 0, framed, head.length + body.length, tail.length);
    return framed;
  }

  private interface Read {
    ExtenderArgs run();
  }

  private static String outcome(Read read) {
    try {
      ExtenderArgs args = read.run();
      return "args "
          + args.pod()
          + " "
          + Objects.toString(args.nodeItems())
          + " "
          + args.nodeNames();
    } catch (ProtocolException e) {
      return "refused: " + e.getMessage();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
