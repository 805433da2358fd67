package dev.spotpack.app;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.extender.ExtenderCalls;
import dev.spotpack.extender.LiveClusterSource;
import dev.spotpack.http.BodyBudget;
import dev.spotpack.http.ExtenderRoutes;
import dev.spotpack.http.Listeners;
import dev.spotpack.kube.AssumptionMetrics;
import dev.spotpack.kube.KubeBinder;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.policy.spot.SpotNodes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/*
 * Design note.
 *
 * In kube-scheduler's loop a freshly started spotpack spends more CPU per scheduled pod on the JIT
 * compiler than on the pods (docs/benchmarks-log.md, "the JIT in the first rounds"): the first few
 * thousand pods after a start run interpreted or in C1 code while C2 compiles the hot paths. A
 * class-data archive covers class loading, not that, and the image's AOT cache (JDK 25) carries
 * classes only: the JIT's profiles of a training run cost more in every later round than they
 * saved in the first (docs/benchmarks-log.md, "Status against issue 15").
 *
 * So a live spotpack rehearses its own request path right after it starts, while its informers
 * list the cluster: a private cluster state of made-up nodes and Spark jobs, the real routes on a
 * private loopback listener of the same Vert.x instance, and a Vert.x HTTP client standing in for
 * kube-scheduler (the client fabric8 talks to the API server with: a JDK client's code was compiled
 * for nothing, and on JDK 17 left its selector thread behind): each made-up executor is decoded
 * from a watch event as the informers decode one, filtered over HTTP, bound over HTTP 4 calls
 * later (kube-scheduler binds asynchronously), and its binding confirmed by a decoded watch event;
 * jobs are deleted three jobs later. Nothing of it touches the real state, the real metrics or the
 * API server: binds go through a live binder's code whose binding POSTs are answered at once
 * (KubeBinder.withoutApiServer), and the private state reports to the live state's kind of
 * listener on private metrics. Where the rehearsal's objects were of other classes than the live
 * ones (a binder of its own, no listener), a class check threw compiled code away when live calls
 * came (Assumptions.confirmed, in two of three first rounds measured) and C2 compiled it again
 * (docs/benchmarks-log.md, stop 38). The pods are a template of a real Spark executor
 * (resources/warm-up/executor-pod.json, with the fields spotpack skips, so that the JIT
 * sees the branches real pods take), and the labels follow the configuration (its first spot
 * selector, its pool labels and roles), so the code compiled is the code real calls run.
 *
 * Live calls are served meanwhile: readiness is the informers' sync, as before, and the rehearsal
 * stops after its number of pods or its time limit, whichever comes first. Measured in the loop
 * (docs/benchmarks-log.md, stop 25): 2,000 rehearsed executors cut the first 2,000 real ones' CPU
 * by a quarter to a third; 5,000 did no better, at twice the CPU.
 */

/** Rehearses the extender's request path at start-up, so that the JIT compiles it early. */
final class WarmUp {
  /** How many nodes the made-up cluster has: half spot, in a few pools. */
  static final int NODES = 200;

  /** Executors per made-up job (each job also has a driver). */
  static final int JOB_SIZE = 100;

  /** Executors filtered whose bind has not come yet, as in kube-scheduler's asynchronous binds. */
  static final int IN_FLIGHT = 4;

  /**
   * What a rehearsal did.
   *
   * @param pods executors rehearsed (each job's driver besides)
   * @param binds binds made
   * @param rejectedNodes nodes the filter calls rejected, all calls together (drivers are kept off
   *     spot nodes by default; executors meet their caps)
   */
  record Result(int pods, int binds, int rejectedNodes, Duration took, boolean stoppedByLimit) {}

  private static final String NAMESPACE = "spotpack-warm-up";

  private final SpotpackConfig config;
  private final KubernetesSerialization serialization;
  private final KubeModel model;
  private final LongSupplier nanoTime;
  private final JsonMapper json = JsonMapper.builder().build();
  private final ClusterState state;

  /** The rehearsal's own metrics, so that the live ones count only live calls. */
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** The made-up nodes' names as a JSON array, the same in every filter call; set by run. */
  private String nodeNamesJson = "";

  private final ObjectNode podTemplate;
  private int binds;
  private int rejectedNodes;
  private volatile boolean running;

  WarmUp(
      SpotpackConfig config,
      KubernetesSerialization serialization,
      KubeModel model,
      LongSupplier nanoTime) {
    this.config = config;
    this.serialization = serialization;
    this.model = model;
    this.nanoTime = nanoTime;
    this.podTemplate = podTemplate(json);
    this.state =
        new ClusterState(
            config.policy().roles(),
            Ticker.systemTicker(),
            config.cluster().assumedPlacementTtl(),
            new AssumptionMetrics(registry));
  }

  /** The rehearsal's own metrics (never served). */
  PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Whether a rehearsal is under way, read by a metric. Set by the caller before it starts the
   * rehearsal's thread, so that the metric says 1 from the moment the server is up: a reader that
   * waits for it to read 0 (SchedulerThroughput) cannot see the gap before the thread runs.
   */
  boolean running() {
    return running;
  }

  void running(boolean running) {
    this.running = running;
  }

  /**
   * Rehearses up to {@code pods} executors (and their jobs' drivers) through a private listener on
   * {@code vertx}, for at most {@code limit} and until {@code stop}; blocks until done. Once per
   * instance: the made-up cluster is built here.
   */
  Result run(Vertx vertx, int pods, Duration limit, BooleanSupplier stop)
      throws IOException, InterruptedException {
    if (!nodeNamesJson.isEmpty()) {
      throw new IllegalStateException("a WarmUp runs once");
    }
    long start = nanoTime.getAsLong();
    long deadline = start + limit.toNanos();
    ArrayNode names = json.createArrayNode();
    for (int i = 0; i < NODES; i++) {
      Node node = serialization.unmarshal(nodeJson(i), Node.class);
      state.upsertNode(model.toNodeInfo(node));
      names.add(node.getMetadata().getName());
    }
    nodeNamesJson = json.writeValueAsString(names);
    // the live binder's code and types, its POSTs answered at once
    KubeBinder binder =
        KubeBinder.withoutApiServer(
            state,
            config.cluster().bindThreads(),
            config.cluster().bindTimeout(),
            ClusterWiring.onEventLoop(vertx),
            registry);
    ExtenderCalls calls =
        ExtenderCalls.wire(
            new SpotPolicy(config.policy()),
            new LiveClusterSource(state, () -> true),
            binder,
            model,
            registry,
            nanoTime,
            Clock.systemUTC());
    BodyBudget budget =
        new BodyBudget(
            BodyBudget.defaultBudget(Runtime.getRuntime().maxMemory()),
            config.server().maxRequestBodyBytes(),
            registry);
    Listeners listeners =
        new Listeners(
            vertx,
            "127.0.0.1",
            Listeners.requestDeadline(config.cluster().bindTimeout()),
            registry);
    HttpServer server =
        await(
            listeners.listen(new ExtenderRoutes(calls, budget).router(vertx), null, 0, "warm-up"));
    HttpClientAgent client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(server.actualPort()));
    int done = 0;
    boolean byLimit = false;
    try {
      Deque<Chosen> awaitingBind = new ArrayDeque<>();
      for (; done < pods && !stop.getAsBoolean(); done++) {
        if (nanoTime.getAsLong() > deadline) {
          byLimit = true;
          break;
        }
        rehearse(client, done, awaitingBind);
      }
    } finally {
      client.close();
      server.close();
    }
    return new Result(
        done, binds, rejectedNodes, Duration.ofNanos(nanoTime.getAsLong() - start), byLimit);
  }

  /** An executor filtered, and the node kube-scheduler would have picked for it. */
  private record Chosen(int job, int index, String node) {}

  /**
   * Pod {@code i}: its informer event, its filter call, and the bind of the pod filtered 4 calls
   * ago.
   */
  private void rehearse(HttpClient client, int i, Deque<Chosen> awaitingBind)
      throws IOException, InterruptedException {
    int job = i / JOB_SIZE;
    int index = i % JOB_SIZE;
    if (index == 0) {
      // the job's driver, kept off spot nodes by the default configuration
      String driver = podJson(job, -1, "");
      event("ADDED", driver);
      filter(client, driver);
      deleteJob(job - 3);
    }
    String pod = podJson(job, index, "");
    event("ADDED", pod);
    JsonNode answer = filter(client, pod);
    JsonNode names = answer.get("NodeNames");
    if (names != null && names.isArray() && !names.isEmpty()) {
      awaitingBind.addLast(new Chosen(job, index, names.get(i % names.size()).asString()));
    }
    if (awaitingBind.size() > IN_FLIGHT) {
      Chosen b = awaitingBind.removeFirst();
      ObjectNode args = json.createObjectNode();
      args.put("PodName", podName(b.job(), b.index()));
      args.put("PodNamespace", NAMESPACE);
      args.put("PodUID", uid(b.job(), b.index()));
      args.put("Node", b.node());
      JsonNode bound =
          json.readTree(
              post(client, ExtenderRoutes.PREFIX + "/bind", json.writeValueAsString(args)));
      if (!bound.path("Error").asString("").isEmpty()) {
        throw new IOException("warm-up bind failed: " + bound.get("Error").asString());
      }
      binds++;
      event("MODIFIED", podJson(b.job(), b.index(), b.node()));
    }
  }

  private void deleteJob(int job) {
    if (job < 0) {
      return;
    }
    event("DELETED", podJson(job, -1, ""));
    for (int k = 0; k < JOB_SIZE; k++) {
      event("DELETED", podJson(job, k, ""));
    }
  }

  /** What the informers do with a pod's watch event. */
  private void event(String type, String podJson) {
    WatchEvent event =
        serialization.unmarshal(
            "{\"type\":\"" + type + "\",\"object\":" + podJson + "}", WatchEvent.class);
    Pod pod = (Pod) event.getObject();
    if (type.equals("DELETED")) {
      state.removePod(pod.getMetadata().getUid());
    } else {
      state.upsertPod(model.toPodInfo(pod), KubeModel.resourceVersion(pod));
    }
  }

  private JsonNode filter(HttpClient client, String podJson)
      throws IOException, InterruptedException {
    String body = "{\"Pod\":" + podJson + ",\"Nodes\":null,\"NodeNames\":" + nodeNamesJson + "}";
    JsonNode answer = json.readTree(post(client, ExtenderRoutes.PREFIX + "/filter", body));
    if (!answer.path("Error").asString("").isEmpty()) {
      throw new IOException("warm-up filter failed: " + answer.get("Error").asString());
    }
    rejectedNodes += answer.path("FailedAndUnresolvableNodes").size();
    return answer;
  }

  private static byte[] post(HttpClient client, String path, String body)
      throws IOException, InterruptedException {
    // the body's handler is set in the callback that gets the response (a later stage of the chain
    // may run after the body has gone by)
    Future<Buffer> answer =
        client
            .request(HttpMethod.POST, path)
            .compose(
                r ->
                    r.putHeader("Content-Type", "application/json")
                        .send(body)
                        .compose(
                            response ->
                                response.statusCode() == 200
                                    ? response.body()
                                    : Future.failedFuture(
                                        path + " answered " + response.statusCode())));
    return await(answer.toCompletionStage().toCompletableFuture()).getBytes();
  }

  private String nodeJson(int i) {
    SpotNodes spot = config.policy().spotNodes();
    StringBuilder labels = new StringBuilder();
    labels.append("\"kubernetes.io/hostname\":\"").append(nodeName(i)).append('"');
    if (i % 2 == 0 && !spot.selectors().isEmpty()) {
      SpotNodes.Selector s = spot.selectors().get(0);
      labels.append(",\"").append(s.key()).append("\":\"").append(s.value()).append('"');
    }
    List<String> poolLabels = spot.poolLabels();
    for (int k = 0; k < poolLabels.size(); k++) {
      labels
          .append(",\"")
          .append(poolLabels.get(k))
          .append("\":\"value-")
          .append((i / (k + 1)) % (3 + k))
          .append('"');
    }
    return "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\""
        + nodeName(i)
        + "\",\"uid\":\"warm-up-node-uid-"
        + i
        + "\",\"resourceVersion\":\"1\",\"labels\":{"
        + labels
        + "}},\"status\":{\"allocatable\":{\"cpu\":\"32\",\"memory\":\"128Gi\",\"pods\":\"110\"}}}";
  }

  private static String nodeName(int i) {
    return "warm-up-node-" + i;
  }

  /**
   * Executor {@code index} of {@code job} (its driver for -1), bound to {@code node} unless empty:
   * the template (a Spark executor as the API server sends it, with the fields spotpack skips) with
   * its name, uid, labels and node set.
   */
  private String podJson(int job, int index, String node) {
    PodRoles roles = config.policy().roles();
    ObjectNode pod = podTemplate.deepCopy();
    ObjectNode metadata = (ObjectNode) pod.get("metadata");
    metadata.put("name", podName(job, index));
    metadata.put("namespace", NAMESPACE);
    metadata.put("uid", uid(job, index));
    metadata.put("resourceVersion", node.isEmpty() ? "1" : "2");
    ObjectNode labels = metadata.putObject("labels");
    labels.put(roles.jobLabels().get(0), "spark-warm-up-" + job);
    labels.put(roles.roleLabel(), index < 0 ? roles.driverRole() : roles.executorRole());
    labels.put("spark-exec-id", Integer.toString(index + 1));
    if (!node.isEmpty()) {
      ((ObjectNode) pod.get("spec")).put("nodeName", node);
    }
    return json.writeValueAsString(pod);
  }

  /** The pod template in the jar. */
  private static ObjectNode podTemplate(JsonMapper json) {
    try (InputStream in = WarmUp.class.getResourceAsStream(POD_TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException(POD_TEMPLATE + " is missing from the jar");
      }
      return (ObjectNode) json.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String POD_TEMPLATE = "/warm-up/executor-pod.json";

  private static String podName(int job, int index) {
    return "spark-warm-up-" + job + (index < 0 ? "-driver" : "-exec-" + (index + 1));
  }

  private static String uid(int job, int index) {
    return "warm-up-" + job + "-" + index;
  }

  private static <T> T await(CompletableFuture<T> future) throws IOException, InterruptedException {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("warm-up: " + e, e);
    }
  }
}
