package dev.spotpack.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The training run of the image's AOT cache (manifests/Dockerfile; docs/benchmarks-log.md, "stop
 * 26").
 *
 * <p>JDK 25 starts a JVM from an AOT cache: classes loaded and linked ahead of time and, unless
 * told otherwise, the method profiles of the training run, so that C2 compiles the hot paths as
 * soon as they run. The image's cache leaves the profiles out ({@link #WITHOUT_PROFILES}): in the
 * scheduling loop they cut the first 2,000 executors' CPU by about a quarter but cost about a third
 * more in every later round measured, through 24,000 executors (code compiled for the training's
 * traffic stays in place when real traffic differs; docs/benchmarks-log.md, "Status against issue
 * 15"). The classes alone still shorten start-up. {@code --profiles} keeps them, to measure.
 *
 * <p>The training serves live traffic so that the classes loaded are the live path's: an image
 * build has no API server, so fabric8's mock API server (CRUD, over TLS) holds made-up nodes, the
 * shipped jar serves live against it with {@code -XX:AOTCacheOutput} (its start-up warm-up
 * included), and this class plays kube-scheduler: it creates executors, calls filter with every
 * node's name, binds the executor filtered four calls earlier (spotpack's binder posts the binding;
 * the mock accepts it, and this class then sets the pod's node as the API server would), and
 * deletes each job three jobs later. Then it stops spotpack (SIGTERM), and the JVM writes the cache
 * as it exits.
 *
 * <p>{@code java -cp TEST_CLASSPATH dev.spotpack.e2e.AotTraining JAVA JAR CACHE [NODES [PODS]]
 * [--profiles]}: JAVA must be the JVM that will run the image (a cache is only valid for the JVM
 * build that made it), and JAR the jar's path as the image runs it. Exits 1, naming the step, if
 * spotpack does not get ready and warm up, if a bind fails, or if no cache is written, so that an
 * image build fails.
 */
public final class AotTraining {
  /** Nodes of the made-up cluster: half spot. */
  static final int NODES = 500;

  /** Executors scheduled: as many as one round of the loop benchmark that measured the cache. */
  static final int PODS = 2000;

  /** Executors filtered whose bind has not come yet: kube-scheduler binds asynchronously. */
  static final int IN_FLIGHT = 4;

  private static final String NAMESPACE = "aot-training";

  /**
   * The training JVM's options that leave the JIT's profiles out of the cache (JDK 25's switch for
   * JEP 515's training data; diagnostic, so it must be unlocked). A JDK without it refuses to
   * start, and the image build fails naming this step.
   */
  static final List<String> WITHOUT_PROFILES =
      List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining");

  /** What a training run did. */
  record Result(int pods, int binds, long cacheBytes) {}

  private AotTraining() {}

  public static void main(String[] allArgs) throws Exception {
    boolean profiles = List.of(allArgs).contains("--profiles");
    String[] args =
        Arrays.stream(allArgs).filter(a -> !a.equals("--profiles")).toArray(String[]::new);
    if (args.length < 3) {
      System.err.println("usage: AotTraining JAVA JAR CACHE [NODES [PODS]] [--profiles]");
      System.exit(2);
    }
    int nodes = args.length > 3 ? Integer.parseInt(args[3]) : NODES;
    int pods = args.length > 4 ? Integer.parseInt(args[4]) : PODS;
    try {
      Result r = run(args[0], Path.of(args[1]), Path.of(args[2]), nodes, pods, profiles);
      System.err.printf(
          "AOT training: %d executors filtered, %d bound; cache %s, %d bytes%n",
          r.pods(), r.binds(), args[2], r.cacheBytes());
      System.exit(0);
    } catch (Exception | AssertionError e) {
      System.err.println("AOT training failed: " + e);
      System.exit(1);
    }
  }

  static List<String> jvmOptions(Path cache, boolean profiles) {
    List<String> options = new ArrayList<>(List.of("-XX:AOTCacheOutput=" + cache));
    if (!profiles) {
      options.addAll(WITHOUT_PROFILES);
    }
    return options;
  }

  /**
   * @param profiles keep the JIT's profiles in the cache (the image leaves them out)
   */
  static Result run(String java, Path jar, Path cache, int nodes, int pods, boolean profiles)
      throws Exception {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMockServer api =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            true);
    api.init(InetAddress.getLoopbackAddress(), 0);
    Path dir = Files.createTempDirectory("spotpack-aot-training");
    try (KubernetesClient client = api.createClient()) {
      for (int i = 0; i < nodes; i++) {
        FakeNodes.create(
            client,
            "node-" + i,
            i % 2 == 0
                ? Map.of(
                    "kubernetes.io/hostname", "node-" + i, "karpenter.sh/capacity-type", "spot")
                : Map.of("kubernetes.io/hostname", "node-" + i));
      }
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
      Path kubeconfig = dir.resolve("kubeconfig");
      // the mock's certificate is self-signed
      Files.writeString(
          kubeconfig,
          String.join(
              "\n",
              "apiVersion: v1",
              "kind: Config",
              "clusters:",
              "- name: mock",
              "  cluster:",
              "    server: " + client.getMasterUrl(),
              "    insecure-skip-tls-verify: true",
              "contexts:",
              "- name: mock",
              "  context: {cluster: mock, user: training}",
              "current-context: mock",
              "users:",
              "- name: training",
              "  user: {token: training}",
              ""));
      // spotpack's output goes to dir/spotpack.log; a failed start fails with its last lines
      try (Processes processes = new Processes(dir)) {
        SpotpackProcess spotpack =
            SpotpackProcess.start(
                Path.of(java), jar, dir, kubeconfig, "", jvmOptions(cache, profiles), processes);
        spotpack.awaitWarmUp(Duration.ofMinutes(3));
        if (!spotpack.metrics().contains("spotpack_warmup_running ")) {
          throw new IllegalStateException("spotpack did not warm up (server.warmUpPods: 0?)");
        }
        int binds = schedule(api, client, spotpack.extenderPort(), nodes, pods);
        int exit = spotpack.stop(Duration.ofMinutes(5));
        long bytes = Files.exists(cache) ? Files.size(cache) : 0;
        if (bytes == 0) {
          throw new IllegalStateException(
              "spotpack exited ("
                  + exit
                  + ") without writing "
                  + cache
                  + "; its log ends:\n"
                  + processes.tail(SpotpackProcess.NAME, 30));
        }
        // its kubeconfig, config and log: nothing of the training stays in the image's /tmp
        deleteTree(dir);
        return new Result(pods, binds, bytes);
      }
    } finally {
      api.destroy();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** kube-scheduler's part: returns the binds made. */
  private static int schedule(
      KubernetesMockServer api, KubernetesClient client, int port, int nodes, int pods)
      throws Exception {
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < nodes; i++) {
      names.append(i == 0 ? "\"" : ",\"").append("node-").append(i).append('"');
    }
    JsonMapper json = JsonMapper.builder().build();
    Deque<List<String>> awaitingBind = new ArrayDeque<>();
    int binds = 0;
    for (int n = 0; n < pods; n++) {
      Pod pod =
          client
              .pods()
              .inNamespace(NAMESPACE)
              .resource(FakeNodes.batchExecutor(NAMESPACE, n, "spotpack-scheduler"))
              .create();
      // the pod as the API server returned it, as kube-scheduler sends it
      String filter =
          "{\"Pod\":"
              + client.getKubernetesSerialization().asJson(pod)
              + ",\"Nodes\":null,\"NodeNames\":["
              + names
              + "]}";
      String answer = post(port, "filter", filter);
      JsonNode feasible = json.readTree(answer).get("NodeNames");
      if (feasible == null || !feasible.isArray() || feasible.isEmpty()) {
        throw new IllegalStateException(
            "filter passed no node for " + pod.getMetadata().getName() + ": " + answer);
      }
      awaitingBind.addLast(
          List.of(
              pod.getMetadata().getName(),
              pod.getMetadata().getUid(),
              feasible.get(n % feasible.size()).asString()));
      if (awaitingBind.size() > IN_FLIGHT) {
        bind(api, client, port, awaitingBind.removeFirst());
        binds++;
      }
      if (n % 100 == 0 && n >= 300) {
        int job = n / 100 - 3;
        for (int k = job * 100; k < job * 100 + 100; k++) {
          client.pods().inNamespace(NAMESPACE).withName("exec-" + k).delete();
        }
      }
    }
    return binds;
  }

  /** Binds {@code [name, uid, node]} through spotpack; the mock accepts the binding POST. */
  private static void bind(
      KubernetesMockServer api, KubernetesClient client, int port, List<String> chosen)
      throws Exception {
    String name = chosen.get(0);
    String node = chosen.get(2);
    api.expect()
        .post()
        .withPath("/api/v1/namespaces/" + NAMESPACE + "/pods/" + name + "/binding")
        .andReturn(201, Map.of("kind", "Status", "apiVersion", "v1", "status", "Success"))
        .once();
    String answer =
        post(
            port,
            "bind",
            "{\"PodName\":\""
                + name
                + "\",\"PodNamespace\":\""
                + NAMESPACE
                + "\",\"PodUID\":\""
                + chosen.get(1)
                + "\",\"Node\":\""
                + node
                + "\"}");
    if (!answer.equals("{\"Error\":\"\"}")) {
      throw new IllegalStateException("bind of " + name + " failed: " + answer);
    }
    // the API server sets the node on a binding, and the informer reports it
    client
        .pods()
        .inNamespace(NAMESPACE)
        .withName(name)
        .edit(
            p -> {
              p.getSpec().setNodeName(node);
              return p;
            });
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * A verb's answer; anything but 200 ends the training. (Not ExtenderHttp: it links to the app's
   * classes, which the image build's training classpath does not carry.)
   */
  private static String post(int port, String verb, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/scheduler/" + verb))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(verb + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
