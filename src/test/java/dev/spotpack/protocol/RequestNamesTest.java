package dev.spotpack.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request's names written back as the passing ones of a filter answer: to a stream, each run of
 * names that lie one after another in the body goes in one copy; to anything else, one string at a
 * time. Either way the bytes are those of the same names written as plain strings.
 */
class RequestNamesTest {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  /** The names of the request, laid out as kube-scheduler writes them, after a pod. */
  private static final List<String> NAMES = List.of("spot-a", "spot-b", "od-1", "od-2.x", "spot-a");

  static Stream<Arguments> passing() {
    return Stream.of(
        Arguments.of("all: one run", List.of(0, 1, 2, 3, 4)),
        Arguments.of("none", List.of()),
        Arguments.of("the first alone", List.of(0)),
        Arguments.of("the last alone", List.of(4)),
        Arguments.of("a run at each end", List.of(0, 1, 3, 4)),
        Arguments.of("a run in the middle", List.of(1, 2, 3)),
        Arguments.of("every other one: runs of one", List.of(0, 2, 4)),
        // the name at 0 again at 4, only the second occurrence passing
        Arguments.of("a repeated name's second occurrence", List.of(2, 4)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("passing")
  void writesThePassingNamesAsStringsWouldBe(String name, List<Integer> positions) {
    RequestNames read = read(NAMES, NameTable.of(List.of("spot-a", "od-1")));
    RequestNames passing = read.subsequence(positions.stream().map(read::get).toList());

    assertThat(passing).isNotNull();
    String expected = MAPPER.writeValueAsString(positions.stream().map(NAMES::get).toList());
    assertThat(toStream(passing)).isEqualTo(expected);
    assertThat(toWriter(passing)).isEqualTo(expected);
  }

  /**
   * 2,000 random answers from a request of 40 names (each passing with a chance of 0.1 to 0.9 per
   * answer, so runs of every length come up), both ways of writing against the names as strings.
   */
  @Test
  void randomAnswersAreWrittenAsStringsWouldBe() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      names.add("node-" + i);
    }
    RequestNames read = read(names, NameTable.of(names.subList(0, 20)));
    Random random = new Random(38);
    for (int answer = 0; answer < 2_000; answer++) {
      double chance = 0.1 + 0.8 * random.nextDouble();
      List<String> kept = new ArrayList<>();
      for (String n : read) {
        if (random.nextDouble() < chance) {
          kept.add(n);
        }
      }
      RequestNames passing = read.subsequence(kept);

      String expected = MAPPER.writeValueAsString(List.copyOf(kept));
      assertThat(toStream(passing)).as("answer %d: %s", answer, kept).isEqualTo(expected);
      assertThat(toWriter(passing)).as("answer %d: %s", answer, kept).isEqualTo(expected);
    }
  }

  /**
   * The names in a body {"Pod":{},"Nodes":null,"NodeNames":[...]}, as the layout reader reads
   * (HostPrioritiesTest uses it too).
   */
  static RequestNames read(List<String> names, NameTable table) {
    String prefix = "{\"Pod\":{},\"Nodes\":null,\"NodeNames\":[";
    String body =
        prefix + String.join(",", names.stream().map(n -> "\"" + n + "\"").toList()) + "]}";
    RequestNames.Builder builder =
        new RequestNames.Builder(body.getBytes(StandardCharsets.US_ASCII), table, names.size());
    int from = prefix.length() + 1;
    for (String n : names) {
      builder.add(from, from + n.length());
      from += n.length() + 3;
    }
    return builder.build();
  }

  private static String toStream(RequestNames names) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = MAPPER.createGenerator(out)) {
      names.write(gen);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String toWriter(RequestNames names) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = MAPPER.createGenerator(out)) {
      names.write(gen);
    }
    return out.toString();
  }
}
