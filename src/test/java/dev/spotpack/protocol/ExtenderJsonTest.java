package dev.spotpack.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.testing.Build;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Pinned to the Go encoder's output in upstream {@code extender/v1/types_test.go}
 * (kubernetes/kube-scheduler; the encoding is unchanged from 1.25 to 1.36), including its check
 * that the lower-cased JSON still decodes.
 */
class ExtenderJsonTest {
  private final ExtenderJson json = new ExtenderJson();

  /** Upstream's ExtenderArgs case, byte for byte. */
  static final String UPSTREAM_ARGS =
      "{\"Pod\":{\"metadata\":{\"name\":\"podname\",\"creationTimestamp\":null},\"spec\":{\"containers\":null},\"status\":{}},"
          + "\"Nodes\":{\"metadata\":{},\"items\":[{\"metadata\":{\"name\":\"nodename\",\"creationTimestamp\":null},\"spec\":{},"
          + "\"status\":{\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":0}},\"nodeInfo\":{\"machineID\":\"\",\"systemUUID\":\"\","
          + "\"bootID\":\"\",\"kernelVersion\":\"\",\"osImage\":\"\",\"containerRuntimeVersion\":\"\",\"kubeletVersion\":\"\","
          + "\"kubeProxyVersion\":\"\",\"operatingSystem\":\"\",\"architecture\":\"\"}}}]},\"NodeNames\":[\"node1\"]}";

  static final String UPSTREAM_BINDING_ARGS =
      "{\"PodName\":\"mypodname\",\"PodNamespace\":\"mypodnamespace\",\"PodUID\":\"mypoduid\",\"Node\":\"mynode\"}";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesHostPriorityAsUpstream() {
    assertThat(new String(json.write(new HostPriority("myhost", 1)), StandardCharsets.UTF_8))
        .isEqualTo("{\"Host\":\"myhost\",\"Score\":1}");
  }

  @Test
  void writesBindingResultAsUpstream() {
    assertThat(new String(json.write(new ExtenderBindingResult("myerror")), StandardCharsets.UTF_8))
        .isEqualTo("{\"Error\":\"myerror\"}");
  }

  /** The success every bind answers, written from fixed bytes, as the mapper writes any other. */
  @Test
  void writesTheBoundResultAsTheMapperWritesIt() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    json.write(ExtenderBindingResult.BOUND, NameTable.EMPTY, out);
    assertThat(out.toByteArray())
        .isEqualTo(
            json.write(new ExtenderBindingResult(""))) // another instance: the mapper's bytes
        .isEqualTo(bytes("{\"Error\":\"\"}"));
  }

  /**
   * The writer kept for the last table is replaced when the table changes: each answer the same as
   * without a table, and the stream left open for the caller every time.
   */
  @Test
  void writesTheSameBytesAsTheTableChanges() {
    var result = new ExtenderFilterResult(null, List.of("node1", "node2"), Map.of(), Map.of(), "");
    NameTable both = NameTable.of(List.of("node1", "node2"));
    NameTable other = NameTable.of(List.of("node3"));
    for (NameTable known : List.of(both, both, other, both, NameTable.EMPTY)) {
      boolean[] closed = {false};
      ByteArrayOutputStream out =
          new ByteArrayOutputStream() {
            @Override
            public void close() {
              closed[0] = true;
            }
          };
      json.write(result, known, out);

      assertThat(out.toByteArray()).isEqualTo(json.write(result));
      assertThat(closed[0]).isFalse();
    }
  }

  @Test
  void writesTheSameBytesWithANameTable() {
    // held names are copied pre-encoded, others (and every key) written as before
    NameTable known = NameTable.of(List.of("node1", "q\"uote", "\u00e9t\u00e9", "unused"));
    var result =
        new ExtenderFilterResult(
            null,
            List.of("node1", "q\"uote", "\u00e9t\u00e9", "not-held", "tab\there"),
            Map.of(),
            Map.of("node2", "spot node: cap"),
            "");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    json.write(result, known, out);

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(new String(json.write(result), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"Nodes\":null,\"NodeNames\":[\"node1\",\"q\\\"uote\",\"\u00e9t\u00e9\","
                + "\"not-held\",\"tab\\there\"],\"FailedNodes\":{},"
                + "\"FailedAndUnresolvableNodes\":{\"node2\":\"spot node: cap\"},\"Error\":\"\"}");
  }

  /**
   * Which of the request's names pass (by position), and the names table: held, not held (read as
   * new strings), repeated.
   */
  static Stream<Arguments> passingNames() {
    List<String> held = List.of("spot-1", "spot-2", "od-1");
    return Stream.of(
        Arguments.of(List.of(0, 1, 2, 3), held),
        Arguments.of(List.of(), held),
        Arguments.of(List.of(1, 3), held),
        Arguments.of(List.of(0, 3), List.of()),
        // "spot-1" twice in the request: the second occurrence passes alone
        Arguments.of(List.of(4), held),
        Arguments.of(List.of(0, 2, 4), held));
  }

  @ParameterizedTest
  @MethodSource("passingNames")
  void writesPassingNamesFromTheRequestsBytes(List<Integer> passingAt, List<String> heldNames) {
    NameTable known = NameTable.of(heldNames);
    byte[] body =
        bytes(
            "{\"Pod\":{},\"Nodes\":null,"
                + "\"NodeNames\":[\"spot-1\",\"spot-2\",\"od-1\",\"od-2.x\",\"spot-1\"]}");
    ExtenderArgs args = json.readArgs(body, known);
    assertThat(args.schedulerLayout()).isTrue();
    List<String> passing = passingAt.stream().map(args.nodeNames()::get).toList();

    ExtenderFilterResult result =
        ExtenderFilterResult.passing(args, passing, Map.of("od-1", "spot node: cap"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    json.write(result, known, out);

    assertThat(result.nodeNames()).isInstanceOf(RequestNames.class).isEqualTo(passing);
    // the same bytes as the same names written as strings
    var asStrings =
        new ExtenderFilterResult(
            null, List.copyOf(passing), Map.of(), Map.of("od-1", "spot node: cap"), "");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(new String(json.write(asStrings), StandardCharsets.UTF_8));
  }

  @Test
  void writesPassingNamesThatAreNotTheRequestsInstancesAsStrings() {
    byte[] body = bytes("{\"Pod\":{},\"Nodes\":null,\"NodeNames\":[\"spot-1\",\"od-1\"]}");
    ExtenderArgs args = json.readArgs(body, NameTable.of(List.of("spot-1", "od-1")));
    // equal names, other instances; and the request's names out of their order
    List<String> copies = List.of(new String("spot-1".toCharArray()));
    List<String> reordered = List.of(args.nodeNames().get(1), args.nodeNames().get(0));

    for (List<String> passing : List.of(copies, reordered)) {
      ExtenderFilterResult result = ExtenderFilterResult.passing(args, passing, Map.of());
      assertThat(result.nodeNames()).isSameAs(passing);
      assertThat(new String(json.write(result), StandardCharsets.UTF_8))
          .contains(
              "\"NodeNames\":" + (passing == copies ? "[\"spot-1\"]" : "[\"od-1\",\"spot-1\"]"));
    }
  }

  @Test
  void givesEachLaidOutNameItsEntryInTheTableItWasReadWith() {
    NameTable known = NameTable.of(List.of("od-1", "spot-1", "spot-2"));
    byte[] laidOut =
        bytes("{\"Pod\":{},\"Nodes\":null,\"NodeNames\":[\"spot-1\",\"x\",\"od-1\",\"spot-1\"]}");
    ExtenderArgs args = json.readArgs(laidOut, known);

    IntUnaryOperator entries = args.nameEntries(known);
    assertThat(entries).isNotNull();
    // spot-1 is the table's entry 1, od-1 its entry 0; "x" is not held
    assertThat(IntStream.range(0, 4).map(entries)).containsExactly(1, -1, 0, 1);
    // entries are only meaningful in the table that read them
    assertThat(args.nameEntries(NameTable.of(List.of("od-1", "spot-1", "spot-2")))).isNull();
    // the general reader (here: another key order) gives none
    ExtenderArgs general =
        json.readArgs(bytes("{\"NodeNames\":[\"spot-1\"],\"Nodes\":null,\"Pod\":{}}"), known);
    assertThat(general.schedulerLayout()).isFalse();
    assertThat(general.nameEntries(known)).isNull();
  }

  @Test
  void readsHeldNamesAsTheTablesInstances() {
    String held = new String("spot-1".toCharArray());
    NameTable known = NameTable.of(List.of(held, "spot-2"));

    List<String> names =
        json.readArgs(
                bytes("{\"Pod\":{},\"NodeNames\":[\"spot-1\",\"spot\\u002d2\",\"od-1\"]}"), known)
            .nodeNames();

    assertThat(names).containsExactly("spot-1", "spot-2", "od-1");
    assertThat(names.get(0)).isSameAs(held);
  }

  @Test
  void writesFilterResultWithNullsAndUpstreamKeyOrder() {
    var result =
        new ExtenderFilterResult(null, List.of("node1"), Map.of("foo", "bar"), null, "myerror");
    assertThat(new String(json.write(result), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"Nodes\":null,\"NodeNames\":[\"node1\"],\"FailedNodes\":{\"foo\":\"bar\"},"
                + "\"FailedAndUnresolvableNodes\":null,\"Error\":\"myerror\"}");
  }

  @Test
  void readsUpstreamArgsPreferringNodeNames() {
    ExtenderArgs args = json.readArgs(bytes(UPSTREAM_ARGS));
    assertThat(args.pod().path("metadata").path("name").stringValue()).isEqualTo("podname");
    assertThat(args.nodeNames()).containsExactly("node1");
    assertThat(args.nodeNamesMode()).isTrue();
  }

  /**
   * A body in kube-scheduler's layout whose pod the caller has read before, at the same uid and
   * resourceVersion, carries that pod and no tree; any other pod, or a version that is not one
   * (missing, not a string), is read from the body as before.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "known version | \"uid\":\"u1\",\"resourceVersion\":\"42\" | true",
        "fields in another order, spec first |"
            + " \"resourceVersion\":\"42\",\"name\":\"p\",\"uid\":\"u1\" | true",
        "another version | \"uid\":\"u1\",\"resourceVersion\":\"43\" | false",
        "no version | \"uid\":\"u1\" | false",
        "a version that is a number | \"uid\":\"u1\",\"resourceVersion\":42 | false",
      })
  void takesAPodReadBeforeAtTheSameVersion(String why, String metadata, boolean found) {
    PodInfo before = Build.executor("j", "p").build();
    List<String> asked = new ArrayList<>();
    ExtenderJson.ReadPods read =
        (uid, version) -> {
          asked.add(uid + "@" + version);
          return uid.equals("u1") && version.equals("42") ? before : null;
        };
    String pod =
        why.contains("spec first")
            ? "{\"spec\":{\"containers\":[]},\"metadata\":{" + metadata + "}}"
            : "{\"metadata\":{" + metadata + ",\"labels\":{\"a\":\"b\"}},\"spec\":{}}";
    byte[] body = bytes("{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[\"n1\",\"n2\"]}");

    ExtenderArgs args = json.readArgs(body, NameTable.EMPTY, read);

    assertThat(args.schedulerLayout()).isTrue();
    assertThat(args.nodeNames()).containsExactly("n1", "n2");
    if (found) {
      assertThat(args.readPod()).isSameAs(before);
      assertThat(args.pod()).isNull();
    } else {
      assertThat(args.readPod()).isNull();
      assertThat(args.pod()).isEqualTo(json.readArgs(body).pod());
    }
    // asked only when the body carries one version of each, as strings
    assertThat(asked).hasSize(found || why.equals("another version") ? 1 : 0);
  }

  /**
   * A uid or resourceVersion that is an object or an array is walked past whole: otherwise the walk
   * would end inside the pod, and this malformed body (its pod never closed) would pass for
   * kube-scheduler's layout.
   */
  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"a\":{\"b\":1}}", "[]", "[{}]"})
  void aVersionThatIsNotAStringIsWalkedPastWhole(String value) {
    String malformed =
        "{\"Pod\":{\"metadata\":{\"uid\":" + value + "},\"Nodes\":null,\"NodeNames\":[\"n1\"]}";
    assertThatThrownBy(() -> json.readArgs(bytes(malformed), NameTable.EMPTY, (u, v) -> null))
        .isInstanceOf(ProtocolException.class);
    String wellFormed =
        "{\"Pod\":{\"metadata\":{\"uid\":"
            + value
            + ",\"resourceVersion\":\"42\"},\"spec\":{}},"
            + "\"Nodes\":null,\"NodeNames\":[\"n1\"]}";
    ExtenderArgs args = json.readArgs(bytes(wellFormed), NameTable.EMPTY, (u, v) -> null);
    assertThat(args.schedulerLayout()).isTrue();
    assertThat(args.pod().path("spec").isObject()).isTrue();
  }

  /** A version given twice is no version: the pod is read from the body, which refuses it. */
  @Test
  void aVersionGivenTwiceIsNotLookedUp() {
    String body =
        "{\"Pod\":{\"metadata\":{\"uid\":\"u1\",\"uid\":\"u1\",\"resourceVersion\":\"42\"}},"
            + "\"Nodes\":null,\"NodeNames\":[\"n1\"]}";
    assertThatThrownBy(
            () ->
                json.readArgs(
                    bytes(body),
                    NameTable.EMPTY,
                    (uid, version) -> {
                      throw new AssertionError("looked up " + uid);
                    }))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("a field appears twice: \"uid\"");
  }

  /** A body read the general way is never looked up: its pod is read from the body. */
  @Test
  void readsThePodOfABodyOutsideTheLayoutFromTheBody() {
    String body =
        "{\"Pod\": {\"metadata\":{\"uid\":\"u1\",\"resourceVersion\":\"42\"}}, \"NodeNames\":"
            + " [\"n1\"]}";
    ExtenderArgs args =
        json.readArgs(
            bytes(body),
            NameTable.EMPTY,
            (uid, version) -> {
              throw new AssertionError("looked up " + uid);
            });
    assertThat(args.schedulerLayout()).isFalse();
    assertThat(args.readPod()).isNull();
    assertThat(args.pod().path("metadata").path("uid").stringValue()).isEqualTo("u1");
  }

  @Test
  void readsLowerCasedArgsAsGoDoes() {
    ExtenderArgs args = json.readArgs(bytes(UPSTREAM_ARGS.toLowerCase(Locale.ROOT)));
    assertThat(args.nodeNames()).containsExactly("node1");
  }

  @Test
  void readsFullNodeModeWhenNodeNamesIsNull() {
    String body = UPSTREAM_ARGS.replace("\"NodeNames\":[\"node1\"]", "\"NodeNames\":null");
    ExtenderArgs args = json.readArgs(bytes(body));
    assertThat(args.nodeNamesMode()).isFalse();
    assertThat(args.nodeItems()).hasSize(1);
    assertThat(args.nodeItems().get(0).path("metadata").path("name").stringValue())
        .isEqualTo("nodename");
  }

  @Test
  void readsUpstreamBindingArgsAndTheirLowerCasedForm() {
    var want = new ExtenderBindingArgs("mypodname", "mypodnamespace", "mypoduid", "mynode");
    assertThat(json.readBindingArgs(bytes(UPSTREAM_BINDING_ARGS))).isEqualTo(want);
    assertThat(json.readBindingArgs(bytes(UPSTREAM_BINDING_ARGS.toLowerCase(Locale.ROOT))))
        .isEqualTo(want);
  }

  record Bad(String name, String body, String wantMessage) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> badArgs() {
    return Stream.of(
        new Bad("empty body", "", "empty request body: expected a JSON ExtenderArgs object"),
        new Bad("not JSON", "hello", "request body is not valid JSON: "),
        new Bad("truncated", "{\"Pod\":{\"metadata\":", "request body is not valid JSON: "),
        new Bad("an array", "[]", "request body must be a JSON ExtenderArgs object, got an array"),
        new Bad("missing Pod", "{\"NodeNames\":[\"a\"]}", "ExtenderArgs.Pod is missing or null"),
        new Bad(
            "null Pod",
            "{\"Pod\":null,\"Nodes\":null,\"NodeNames\":[\"a\"]}",
            "ExtenderArgs.Pod is missing or null"),
        new Bad(
            "Pod of the wrong type",
            "{\"Pod\":\"p\",\"NodeNames\":[]}",
            "ExtenderArgs.Pod must be an object, got a string"),
        new Bad(
            "neither NodeNames nor Nodes",
            "{\"Pod\":{},\"Nodes\":null,\"NodeNames\":null}",
            "ExtenderArgs has neither NodeNames (nodeCacheCapable: true) nor Nodes"
                + " (nodeCacheCapable: false)"),
        new Bad(
            "NodeNames of the wrong type",
            "{\"Pod\":{},\"NodeNames\":\"a\"}",
            "ExtenderArgs.NodeNames must be an array of strings, got a string"),
        new Bad(
            "NodeNames with a number",
            "{\"Pod\":{},\"NodeNames\":[\"a\",7]}",
            "ExtenderArgs.NodeNames must be an array of strings, found a number"),
        new Bad(
            "Nodes of the wrong type",
            "{\"Pod\":{},\"Nodes\":[]}",
            "ExtenderArgs.Nodes must be a NodeList object, got an array"),
        new Bad(
            "duplicate keys",
            "{\"Pod\":{},\"Pod\":{},\"NodeNames\":[]}",
            "request body is not valid JSON: a field appears twice: \"Pod\""),
        new Bad(
            "trailing garbage",
            "{\"Pod\":{},\"NodeNames\":[]} x",
            "request body is not valid JSON: "),
        // MAX_NODES + 1 = 100,001 names, or node items
        new Bad(
            "more names than any cluster",
            "{\"Pod\":{},\"NodeNames\":[" + "\"n\",".repeat(100_000) + "\"n\"]}",
            "ExtenderArgs.NodeNames lists more than 100000 nodes, more than spotpack accepts in one"
                + " call (Kubernetes supports up to 5,000 nodes per cluster)"),
        // 28 bytes before the 3 MiB value and 4 after: 3,145,760 > 3,145,728. The node: 6 + 2
        // around it
        new Bad(
            "a pod larger than the API server stores",
            "{\"Pod\":{\"metadata\":{\"labels\":{\"a\":\""
                + "x".repeat(3 * 1024 * 1024)
                + "\"}}},\"NodeNames\":[]}",
            "ExtenderArgs.Pod is 3145760 bytes of JSON, more than the 3145728 any object"
                + " kube-apiserver accepts"),
        new Bad(
            "a node larger than the API server stores",
            "{\"Pod\":{},\"Nodes\":{\"items\":[{},{\"a\":\""
                + "x".repeat(3 * 1024 * 1024)
                + "\"}]}}",
            "ExtenderArgs.Nodes.items[1] is 3145736 bytes of JSON, more than the 3145728 any object"
                + " kube-apiserver accepts"),
        new Bad(
            "syntax errors inside a skipped-over pod still count",
            "{\"Pod\":{\"a\":[1,}},\"NodeNames\":[]}",
            "request body is not valid JSON: "),
        new Bad(
            "more node items than any cluster",
            "{\"Pod\":{},\"Nodes\":{\"items\":[" + "{},".repeat(100_000) + "{}]}}",
            "ExtenderArgs.Nodes.items lists more than 100000 nodes"));
  }

  /** With a filter, a pod's unread labels and annotations never reach the tree; their kinds do. */
  @Test
  void dropsUnreadLabelsAndAnnotationsWhileParsing() {
    ExtenderJson filtering =
        new ExtenderJson(Set.of("spark-role")::contains, k -> k.startsWith("spotpack.dev/"));
    JsonNode pod =
        filtering
            .readArgs(
                bytes(
                    "{\"Pod\":{\"metadata\":{\"name\":\"e\",\"labels\":{\"a\":\"1\","
                        + "\"spark-role\":\"executor\",\"b\":{\"deep\":[1]}},\"annotations\":{\"x\":\"y\","
                        + "\"spotpack.dev/profile\":\"BALANCED\"}},\"spec\":{\"containers\":[]}},\"NodeNames\":[\"n\"]}"))
            .pod();
    assertThat(pod.path("metadata").path("labels").propertyNames()).containsExactly("spark-role");
    assertThat(pod.path("metadata").path("annotations").propertyNames())
        .containsExactly("spotpack.dev/profile");
    assertThat(pod.path("metadata").path("name").stringValue()).isEqualTo("e");
    assertThat(pod.path("spec").path("containers").isArray()).isTrue();

    JsonNode none =
        filtering
            .readArgs(
                bytes(
                    "{\"Pod\":{\"metadata\":{\"labels\":{\"a\":\"1\"},\"annotations\":\"x\"}},"
                        + "\"NodeNames\":[]}"))
            .pod();
    assertThat(none.path("metadata").path("labels").isObject())
        .as("an emptied map stays a map")
        .isTrue();
    assertThat(none.path("metadata").path("annotations").isString())
        .as("a wrong kind stays visible")
        .isTrue();
  }

  /**
   * Duplicate names are refused where spotpack reads them and, as Go's decoder does, let pass where
   * it does not (an unknown field, a label it drops): hashing every name of the body is what made
   * keys chosen to collide expensive.
   */
  @Test
  void refusesDuplicatesOnlyWhereItReads() {
    ExtenderJson filtering =
        new ExtenderJson(Set.of("spark-role")::contains, k -> k.startsWith("spotpack.dev/"));
    // the body's column, not the pod's: {"Pod": (7), {"metadata":{"labels": (22), { (1),
    // "spark-role":"driver", (22), "spark-role": (13) put the duplicate's value at 7+22+1+22+13+1 =
    // 66
    assertThatThrownBy(
            () ->
                filtering.readArgs(
                    bytes(
                        "{\"Pod\":{\"metadata\":{\"labels\":{\"spark-role\":\"driver\","
                            + "\"spark-role\":\"executor\"}}},\"NodeNames\":[]}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage(
            "request body is not valid JSON: a field appears twice: \"spark-role\" at line 1,"
                + " column 66");
    assertThatThrownBy(
            () ->
                json.readArgs(
                    bytes(
                        "{\"Pod\":{},\"Nodes\":{\"items\":[{\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}]}}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("request body is not valid JSON: a field appears twice: \"name\"");
    assertThatThrownBy(
            () -> json.readArgs(bytes("{\"NodeNames\":[],\"Pod\":{},\"NodeNames\":[\"a\"]}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("request body is not valid JSON: a field appears twice: \"NodeNames\"");

    ExtenderArgs args =
        filtering.readArgs(
            bytes(
                "{\"Pod\":{\"metadata\":{\"labels\":{\"a\":\"1\",\"a\":\"2\"}}},"
                    + "\"Extra\":1,\"Extra\":2,\"NodeNames\":[\"n\"]}"));
    assertThat(args.nodeNames()).containsExactly("n");
    assertThat(args.pod().path("metadata").path("labels").isEmpty()).isTrue();
  }

  /** Exactly MAX_NODES names is accepted. */
  @Test
  void acceptsAsManyNamesAsTheLimit() {
    String body =
        "{\"Pod\":{},\"NodeNames\":[" + "\"n\",".repeat(ExtenderJson.MAX_NODES - 1) + "\"n\"]}";
    assertThat(json.readArgs(bytes(body)).nodeNames()).hasSize(ExtenderJson.MAX_NODES);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badArgs")
  void namesTheProblemInABadBody(Bad c) {
    assertThatThrownBy(() -> json.readArgs(bytes(c.body())))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith(c.wantMessage());
  }

  static Stream<Bad> badBindingArgs() {
    return Stream.of(
        new Bad(
            "missing PodName",
            "{\"PodNamespace\":\"ns\",\"Node\":\"n\"}",
            "ExtenderBindingArgs.PodName is missing or empty"),
        new Bad(
            "empty Node",
            "{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"Node\":\"\"}",
            "ExtenderBindingArgs.Node is missing or empty"),
        new Bad(
            "number PodUID",
            "{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"PodUID\":5,\"Node\":\"n\"}",
            "ExtenderBindingArgs.PodUID must be a string, got a number"),
        // the name and namespace become the binding POST's path on the API server
        new Bad(
            "PodName climbing out of its path",
            "{\"PodName\":\"../../../apis/x\",\"PodNamespace\":\"ns\",\"Node\":\"n\"}",
            "ExtenderBindingArgs.PodName must be a Kubernetes object name (at most 253 lower-case"
                + " letters, digits, '-' and '.'), got \"../../../apis/x\""),
        new Bad(
            "PodNamespace with a query",
            "{\"PodName\":\"p\",\"PodNamespace\":\"ns?dryRun=All\",\"Node\":\"n\"}",
            "ExtenderBindingArgs.PodNamespace must be a Kubernetes object name (at most 63"),
        new Bad(
            "PodName in upper case",
            "{\"PodName\":\"Exec-1\",\"PodNamespace\":\"ns\",\"Node\":\"n\"}",
            "ExtenderBindingArgs.PodName must be a Kubernetes object name"),
        new Bad(
            "PodName with a control character, quoted readably",
            "{\"PodName\":\"exec\\u0000\",\"PodNamespace\":\"ns\",\"Node\":\"n\"}",
            "ExtenderBindingArgs.PodName must be a Kubernetes object name (at most 253 lower-case"
                + " letters, digits, '-' and '.'), got \"exec\\u0000\""),
        new Bad(
            "PodNamespace of 64 characters (a DNS label has at most 63)",
            "{\"PodName\":\"p\",\"PodNamespace\":\"" + "n".repeat(64) + "\",\"Node\":\"n\"}",
            "ExtenderBindingArgs.PodNamespace must be a Kubernetes object name (at most 63"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBindingArgs")
  void namesTheProblemInABadBindingBody(Bad c) {
    assertThatThrownBy(() -> json.readBindingArgs(bytes(c.body())))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith(c.wantMessage());
  }
}
