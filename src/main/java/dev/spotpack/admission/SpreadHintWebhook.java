package dev.spotpack.admission;

import dev.spotpack.policy.spot.PlacementGate;
import dev.spotpack.policy.spot.SpotAnnotations;
import dev.spotpack.policy.spot.SpreadHints;
import dev.spotpack.protocol.JsonSyntax;
import dev.spotpack.protocol.JsonTrees;
import dev.spotpack.protocol.PodMetadataFilter;
import dev.spotpack.protocol.ProtocolException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.filter.TokenFilter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The mutating admission webhook ({@code admission.k8s.io/v1} AdmissionReview) that adds {@link
 * SpreadHints}' hostname spread constraint to executors as they are created.
 *
 * <p>It never denies a pod: a pod it cannot read is admitted unchanged with a warning (the filter
 * reports bad annotations again when the pod is scheduled). Only a body that is not an
 * AdmissionReview at all gets 400, which the API server treats as a failed call and handles by the
 * webhook's {@code failurePolicy} (the shipped manifest says {@code Ignore}).
 *
 * <p>Thread-safe.
 */
public final class SpreadHintWebhook {
  private static final Logger LOG = LoggerFactory.getLogger(SpreadHintWebhook.class);
  public static final String HINT_ANNOTATION = "spotpack.dev/spread-hint";
  private static final String API_VERSION = "admission.k8s.io/v1";

  /** The HTTP status and the JSON body to answer with. */
  public record Reply(int status, JsonNode body) {}

  private final SpreadHints hints;
  private final @Nullable PlacementGate gate;
  private final MeterRegistry registry;
  private final JsonMapper mapper = JsonMapper.builder().build();
  private final JsonTrees trees = new JsonTrees();

  /**
   * Of the reviewed pod's labels and annotations, only those the decision reads become tree nodes.
   */
  private final TokenFilter readOnly;

  public SpreadHintWebhook(SpreadHints hints, MeterRegistry registry) {
    this(hints, null, registry);
  }

  /**
   * @param gate when set, executors also get {@link PlacementGate#GATE}, which spotpack's
   *     controller lifts; only where that controller runs (live mode), or they would wait forever
   */
  public SpreadHintWebhook(
      SpreadHints hints, @Nullable PlacementGate gate, MeterRegistry registry) {
    this.hints = hints;
    this.gate = gate;
    this.registry = registry;
    OUTCOMES.forEach(this::reviews); // every series at zero from the start
    this.readOnly =
        new PodMetadataFilter(
                hints.labelKeys()::contains, k -> k.startsWith(SpotAnnotations.PREFIX))
            .under("request", "object");
  }

  public byte[] write(JsonNode body) {
    return mapper.writeValueAsBytes(body);
  }

  /** {@link #review}, with the body written as JSON: what the HTTP layer sends. */
  public Written reviewWritten(byte[] body) {
    Reply reply = review(body);
    return new Written(reply.status(), write(reply.body()));
  }

  /** The HTTP status and the JSON body's bytes. */
  public record Written(int status, byte[] body) {}

  public Reply review(byte[] body) {
    JsonNode root;
    try {
      root = trees.document(body, readOnly);
    } catch (JacksonException e) {
      return badRequest(JsonSyntax.describe(e));
    } catch (ProtocolException e) {
      return badRequest(e.getMessage());
    }
    if (root == null || !root.isObject()) {
      return badRequest("request body must be an AdmissionReview object");
    }
    if (!API_VERSION.equals(text(root.path("apiVersion")))) {
      return badRequest(
          "AdmissionReview apiVersion must be "
              + API_VERSION
              + " (set admissionReviewVersions: [v1])");
    }
    JsonNode request = root.path("request");
    String uid = text(request.path("uid"));
    if (!request.isObject() || uid.isEmpty()) {
      return badRequest("AdmissionReview.request.uid is missing");
    }
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    response.put("uid", uid);
    response.put("allowed", true);

    String outcome;
    JsonNode pod = request.path("object");
    if (!"CREATE".equals(text(request.path("operation")))
        || !"Pod".equals(text(request.path("kind").path("kind")))
        || !pod.isObject()) {
      outcome = "ignored";
    } else {
      outcome = decide(pod, response);
    }
    count(outcome);
    ObjectNode review = JsonNodeFactory.instance.objectNode();
    review.put("apiVersion", API_VERSION);
    review.put("kind", "AdmissionReview");
    review.set("response", response);
    return new Reply(200, review);
  }

  private String decide(JsonNode pod, ObjectNode response) {
    String name = podName(pod);
    Map<String, String> labels;
    Map<String, String> annotations;
    try {
      labels = stringMap(pod.path("metadata"), "labels");
      annotations = stringMap(pod.path("metadata"), "annotations");
    } catch (IllegalArgumentException e) {
      response
          .putArray("warnings")
          .add("spotpack: pod admitted without a spread hint: " + e.getMessage());
      return "unreadable";
    }
    SpreadHints.Hint hint = hints.forPod(labels, annotations, hasHostnameSpread(pod));
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    if (hint instanceof SpreadHints.Add add) {
      addSpread(patch, pod, add);
      LOG.debug("webhook: {}: {}", name, add.explanation());
    }
    if (gate != null && gate.applies(labels, annotations) && canGate(pod)) {
      addGate(patch, pod);
    }
    if (!patch.isEmpty()) {
      response.put("patchType", "JSONPatch");
      response.put("patch", Base64.getEncoder().encodeToString(write(patch)));
    }
    if (hint instanceof SpreadHints.Skip skip && skip.warn()) {
      response.putArray("warnings").add(skip.reason());
      LOG.info("webhook: {} admitted without a spread hint: {}", name, skip.reason());
      return "warned";
    }
    return patch.isEmpty() ? "skipped" : "patched";
  }

  /**
   * A pod bound at creation cannot carry a gate (the API server refuses it), and one that already
   * carries ours (a re-invocation) needs no second.
   */
  private static boolean canGate(JsonNode pod) {
    if (!text(pod.path("spec").path("nodeName")).isEmpty()) {
      return false;
    }
    for (JsonNode g : pod.path("spec").path("schedulingGates")) {
      if (PlacementGate.GATE.equals(text(g.path("name")))) {
        return false;
      }
    }
    return true;
  }

  private static void addGate(ArrayNode patch, JsonNode pod) {
    ObjectNode gateEntry = JsonNodeFactory.instance.objectNode().put("name", PlacementGate.GATE);
    if (pod.path("spec").path("schedulingGates").isArray()) {
      patch
          .addObject()
          .put("op", "add")
          .put("path", "/spec/schedulingGates/-")
          .set("value", gateEntry);
    } else {
      patch
          .addObject()
          .put("op", "add")
          .put("path", "/spec/schedulingGates")
          .putArray("value")
          .add(gateEntry);
    }
  }

  /** JSON Patch (RFC 6902) operations adding the constraint and the annotation that explains it. */
  private static void addSpread(ArrayNode patch, JsonNode pod, SpreadHints.Add add) {
    ObjectNode constraint = JsonNodeFactory.instance.objectNode();
    constraint.put("maxSkew", add.maxSkew());
    constraint.put("topologyKey", SpreadHints.HOSTNAME);
    constraint.put("whenUnsatisfiable", "DoNotSchedule");
    ObjectNode matchLabels = constraint.putObject("labelSelector").putObject("matchLabels");
    add.matchLabels().forEach(matchLabels::put);

    JsonNode existing = pod.path("spec").path("topologySpreadConstraints");
    if (existing.isArray()) {
      patch
          .addObject()
          .put("op", "add")
          .put("path", "/spec/topologySpreadConstraints/-")
          .set("value", constraint);
    } else {
      patch
          .addObject()
          .put("op", "add")
          .put("path", "/spec/topologySpreadConstraints")
          .putArray("value")
          .add(constraint);
    }
    // SpreadHints only adds for a pod that declares its size in an annotation, so the map exists
    patch
        .addObject()
        .put("op", "add")
        .put(
            "path",
            "/metadata/annotations/" + HINT_ANNOTATION.replace("~", "~0").replace("/", "~1"))
        .put("value", add.explanation());
  }

  /** The string value of a node, or "" when it is absent or not a string. */
  private static String text(JsonNode node) {
    return node.isString() ? node.stringValue() : "";
  }

  private static boolean hasHostnameSpread(JsonNode pod) {
    for (JsonNode c : pod.path("spec").path("topologySpreadConstraints")) {
      if (SpreadHints.HOSTNAME.equals(text(c.path("topologyKey")))) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> stringMap(JsonNode metadata, String field) {
    JsonNode node = metadata.get(field);
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("metadata." + field + " must be an object");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isString()) {
        throw new IllegalArgumentException(
            "metadata." + field + "." + e.getKey() + " must be a string");
      }
      map.put(e.getKey(), e.getValue().stringValue());
    }
    return map;
  }

  private static String podName(JsonNode pod) {
    JsonNode meta = pod.path("metadata");
    String name = text(meta.path("name"));
    if (name.isEmpty()) {
      name = text(meta.path("generateName")) + "*";
    }
    return text(meta.path("namespace")) + "/" + name;
  }

  /** The values of {@code spotpack_webhook_reviews_total{outcome}}. */
  private static final List<String> OUTCOMES =
      List.of("patched", "skipped", "warned", "ignored", "unreadable", "bad_request");

  /** {@code spotpack_webhook_reviews_total{outcome}}. */
  private void count(String outcome) {
    reviews(outcome).increment();
  }

  private Counter reviews(String outcome) {
    return Counter.builder("spotpack.webhook.reviews")
        .description("Admission reviews answered by the spread-hint webhook, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Reply badRequest(String message) {
    count("bad_request");
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error", message);
    return new Reply(400, body);
  }
}
