package dev.spotpack.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * A prioritize answer written from the request's bytes (to a stream) or through Jackson's calls
 * (hosts not tied to a request, or a generator of characters): either way the very text Jackson's
 * bean writer gives for the same {@link HostPriority} records.
 */
class HostPrioritiesTest {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of("none", List.of(), new long[] {}),
        Arguments.of("one", List.of("spot-a"), new long[] {7}),
        Arguments.of(
            "every score the policy gives, 0 through 10",
            IntStream.rangeClosed(0, 10).mapToObj(i -> "node-" + i).toList(),
            IntStream.rangeClosed(0, 10).asLongStream().toArray()),
        Arguments.of(
            "numbers of every width and sign",
            List.of("a", "b", "c", "d", "e", "f"),
            new long[] {99, 100, 1_234_567_890_123L, -1, Long.MIN_VALUE, Long.MAX_VALUE}),
        Arguments.of(
            "a repeated host, scored twice",
            List.of("spot-a", "od-1", "spot-a"),
            new long[] {3, 0, 3}),
        // 3,000 objects of about 35 bytes: the chunk of 16 KiB drains six times midway
        Arguments.of(
            "more than a chunk",
            IntStream.range(0, 3_000).mapToObj(i -> "ip-10-0-" + i + ".ec2.internal").toList(),
            IntStream.range(0, 3_000).mapToLong(i -> i % 11).toArray()),
        // a host longer than the chunk goes to the stream on its own, between two chunks
        Arguments.of(
            "a host longer than a chunk",
            List.of("before", "x".repeat(20_000), "after"),
            new long[] {1, 10, 2}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void hostsReadFromTheRequestAreWrittenAsTheRecordsWouldBe(
      String name, List<String> hosts, long[] scores) {
    HostPriorities answer = HostPriorities.of(read(hosts), scores.clone());

    String expected = MAPPER.writeValueAsString(records(hosts, scores));
    assertThat(toStream(answer)).isEqualTo(expected);
    assertThat(toWriter(answer)).isEqualTo(expected);
    assertThat(answer).isEqualTo(records(hosts, scores));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void hostsOfAnyListAreWrittenAsTheRecordsWouldBe(String name, List<String> hosts, long[] scores) {
    HostPriorities answer = HostPriorities.of(new ArrayList<>(hosts), scores.clone());

    String expected = MAPPER.writeValueAsString(records(hosts, scores));
    assertThat(toStream(answer)).isEqualTo(expected);
    assertThat(toWriter(answer)).isEqualTo(expected);
  }

  /** Names the layout reader never reads (quotes, escapes, non-ASCII) go through Jackson. */
  @Test
  void hostsNeedingEscapesAreEscapedAsJacksonWould() {
    List<String> hosts = List.of("a\"b", "back\\slash", "tab\there", "ünï", "\u0001");
    long[] scores = {1, 2, 3, 4, 5};

    String expected = MAPPER.writeValueAsString(records(hosts, scores));
    assertThat(toStream(HostPriorities.of(hosts, scores))).isEqualTo(expected);
  }

  /** Names kept out of order or subsequenced are not the body's own runs: Jackson writes them. */
  @Test
  void namesNotAsReadAreWrittenThroughJackson() {
    List<String> names = List.of("n-0", "n-1", "n-2", "n-3");
    RequestNames read = read(names);
    RequestNames some = read.subsequence(List.of(read.get(1), read.get(3)));
    assertThat(some).isNotNull();

    HostPriorities answer = HostPriorities.of(some, new long[] {4, 6});

    assertThat(toStream(answer))
        .isEqualTo(MAPPER.writeValueAsString(records(List.of("n-1", "n-3"), new long[] {4, 6})));
  }

  /** 500 random answers, 1 to 400 hosts each, both ways against the records. */
  @Test
  void randomAnswersAreWrittenAsTheRecordsWouldBe() {
    Random random = new Random(45);
    for (int answer = 0; answer < 500; answer++) {
      int n = 1 + random.nextInt(400);
      List<String> hosts = new ArrayList<>();
      long[] scores = new long[n];
      for (int i = 0; i < n; i++) {
        hosts.add("node-" + random.nextInt(1_000_000) + "-" + "z".repeat(random.nextInt(60)));
        scores[i] = random.nextInt(12) == 0 ? random.nextLong() : random.nextInt(11);
      }
      String expected = MAPPER.writeValueAsString(records(hosts, scores));

      assertThat(toStream(HostPriorities.of(read(hosts), scores.clone())))
          .as("answer %d", answer)
          .isEqualTo(expected);
    }
  }

  @Test
  void refusesHostsAndScoresOfDifferentLengths() {
    assertThatThrownBy(() -> HostPriorities.of(List.of("a", "b"), new long[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("2 hosts but 1 scores");
  }

  private static List<HostPriority> records(List<String> hosts, long[] scores) {
    return IntStream.range(0, hosts.size())
        .mapToObj(i -> new HostPriority(hosts.get(i), scores[i]))
        .toList();
  }

  /** The names as the layout reader reads them, every one held by the table. */
  private static RequestNames read(List<String> names) {
    return RequestNamesTest.read(names, NameTable.of(names));
  }

  private static String toStream(HostPriorities answer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = MAPPER.createGenerator(out)) {
      MAPPER.writeValue(gen, answer);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String toWriter(HostPriorities answer) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = MAPPER.createGenerator(out)) {
      MAPPER.writeValue(gen, answer);
    }
    return out.toString();
  }
}
