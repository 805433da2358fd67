package dev.spotpack.kube;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.util.TokenBuffer;

/*
 * Design note.
 *
 * fabric8 decodes every watch event by building a JSON tree of the whole object and converting the
 * tree into a full model object: for a pod that is its managedFields, status conditions, volumes,
 * env and probes, none of which spotpack reads, twice over, for every event of every pod in the
 * cluster. This module makes the informers' client decode Pods and Nodes in one streaming pass into
 * fabric8 objects that carry only what spotpack reads; everything else is skipped token by token.
 * fabric8's list, watch, relist, bookmark and reconnect machinery is untouched: it still receives
 * a Pod or a Node (or a Status, for a watch error, decoded as before).
 *
 * What a lean Pod carries: kind, apiVersion; metadata name, namespace, uid, resourceVersion,
 * creationTimestamp, deletionTimestamp, labels, and the spotpack.dev/ annotations; spec nodeName,
 * schedulerName, containers and initContainers (name, resources' requests, restartPolicy),
 * overhead, resources' requests, schedulingGates, affinity; status phase. A lean Node: kind, apiVersion; metadata
 * name, uid, resourceVersion, labels; status allocatable. KubeModel and GateController read
 * nothing else, and LeanDecodingTest checks that they read the same from both decodings. Objects
 * read through this serialization must never be written back to the API server.
 */

/** A {@link KubernetesSerialization} that decodes Pods, Nodes and watch events leanly. */
public final class LeanDecoding {
  private LeanDecoding() {}

  /** fabric8's serialization with the lean decoders registered. */
  public static KubernetesSerialization serialization() {
    SimpleModule module = new SimpleModule("spotpack-lean-decoding");
    module.addDeserializer(Pod.class, new PodDeserializer());
    module.addDeserializer(Node.class, new NodeDeserializer());
    module.addDeserializer(WatchEvent.class, new WatchEventDeserializer());
    return new KubernetesSerialization(JsonMapper.builder().addModule(module).build(), true);
  }

  /** {"type": ..., "object": {...}}: the object decoded by its kind. */
  private static final class WatchEventDeserializer extends ValueDeserializer<WatchEvent> {
    @Override
    public WatchEvent deserialize(JsonParser p, DeserializationContext ctxt) {
      expect(p, ctxt, JsonToken.START_OBJECT);
      WatchEvent event = new WatchEvent();
      return fields(
          p,
          event,
          name -> {
            switch (name) {
              case "type" -> event.setType(p.getString());
              case "object" -> event.setObject(object(p, ctxt));
              default -> p.skipChildren();
            }
          });
    }

    /**
     * The API server writes "kind" first: then a Pod or a Node is decoded straight from the stream.
     * Otherwise (another kind, such as a watch error's Status, or another field order) the object
     * is buffered and decoded by its kind.
     */
    private static Object object(JsonParser p, DeserializationContext ctxt) {
      expect(p, ctxt, JsonToken.START_OBJECT);
      String kind = null;
      String name = p.nextName();
      boolean kindFirst = "kind".equals(name);
      if (kindFirst && p.nextToken() == JsonToken.VALUE_STRING) {
        kind = p.getString();
        if (kind.equals("Pod")) {
          return PodDeserializer.rest(p, ctxt, kind);
        }
        if (kind.equals("Node")) {
          return NodeDeserializer.rest(p, ctxt, kind);
        }
      }
      TokenBuffer buffer = ctxt.bufferForInputBuffering(p);
      buffer.writeStartObject();
      if (kindFirst) {
        buffer.writeName(name);
        buffer.copyCurrentStructure(p);
        name = p.nextName();
      }
      for (; name != null; name = p.nextName()) {
        JsonToken value = p.nextToken();
        if (kind == null && name.equals("kind") && value == JsonToken.VALUE_STRING) {
          kind = p.getString();
        }
        buffer.writeName(name);
        buffer.copyCurrentStructure(p);
      }
      buffer.writeEndObject();
      Class<?> type =
          "Pod".equals(kind)
              ? Pod.class
              : "Node".equals(kind) ? Node.class : KubernetesResource.class;
      try (JsonParser replay = buffer.asParserOnFirstToken(ctxt)) {
        return ctxt.readValue(replay, type);
      }
    }
  }

  /** A Pod with only what spotpack reads. */
  private static final class PodDeserializer extends ValueDeserializer<Pod> {
    @Override
    public Pod deserialize(JsonParser p, DeserializationContext ctxt) {
      expect(p, ctxt, JsonToken.START_OBJECT);
      return rest(p, ctxt, null);
    }

    /** The fields after the object's start (and after "kind", when that was read already). */
    static Pod rest(JsonParser p, DeserializationContext ctxt, @Nullable String kind) {
      Pod pod = new Pod();
      if (kind != null) {
        pod.setKind(kind);
      }
      return fields(
          p,
          pod,
          name -> {
            switch (name) {
              case "kind" -> pod.setKind(string(p, ctxt));
              case "apiVersion" -> pod.setApiVersion(string(p, ctxt));
              case "metadata" -> pod.setMetadata(metadata(p, ctxt, true));
              case "spec" -> pod.setSpec(spec(p, ctxt));
              case "status" -> pod.setStatus(status(p, ctxt));
              default -> p.skipChildren();
            }
          });
    }

    private static PodSpec spec(JsonParser p, DeserializationContext ctxt) {
      expect(p, ctxt, JsonToken.START_OBJECT);
      PodSpec spec = new PodSpec();
      return fields(
          p,
          spec,
          name -> {
            switch (name) {
              case "nodeName" -> spec.setNodeName(string(p, ctxt));
              case "schedulerName" -> spec.setSchedulerName(string(p, ctxt));
              case "containers" -> spec.setContainers(containers(p, ctxt));
              case "initContainers" -> spec.setInitContainers(containers(p, ctxt));
              case "overhead" -> spec.setOverhead(quantities(p, ctxt));
              case "resources" -> spec.setResources(requirements(p, ctxt));
              case "schedulingGates" ->
                  spec.setSchedulingGates(
                      value(
                          p,
                          ctxt,
                          ctxt.getTypeFactory()
                              .constructCollectionType(List.class, PodSchedulingGate.class)));
              case "affinity" -> spec.setAffinity(value(p, ctxt, Affinity.class));
              default -> p.skipChildren();
            }
          });
    }

    private static List<Container> containers(JsonParser p, DeserializationContext ctxt) {
      expect(p, ctxt, JsonToken.START_ARRAY);
      List<Container> out = new ArrayList<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        try {
          // a null container as the full decoding reads it; KubeModel reads it as an empty one
          out.add(t == JsonToken.VALUE_NULL ? null : container(p, ctxt));
        } catch (RuntimeException e) {
          throw JacksonException.wrapWithPath(e, out, out.size());
        }
      }
      return out;
    }

    private static Container container(JsonParser p, DeserializationContext ctxt) {
      expect(p, ctxt, JsonToken.START_OBJECT);
      Container c = new Container();
      return fields(
          p,
          c,
          name -> {
            switch (name) {
              case "name" -> c.setName(string(p, ctxt));
              case "restartPolicy" -> c.setRestartPolicy(string(p, ctxt));
              case "resources" -> c.setResources(requirements(p, ctxt));
              default -> p.skipChildren();
            }
          });
    }

    private static PodStatus status(JsonParser p, DeserializationContext ctxt) {
      PodStatus status = new PodStatus();
      return oneField(p, ctxt, status, "phase", () -> status.setPhase(string(p, ctxt)));
    }
  }

  /** A Node with only what spotpack reads. */
  private static final class NodeDeserializer extends ValueDeserializer<Node> {
    @Override
    public Node deserialize(JsonParser p, DeserializationContext ctxt) {
      expect(p, ctxt, JsonToken.START_OBJECT);
      return rest(p, ctxt, null);
    }

    static Node rest(JsonParser p, DeserializationContext ctxt, @Nullable String kind) {
      Node node = new Node();
      if (kind != null) {
        node.setKind(kind);
      }
      return fields(
          p,
          node,
          name -> {
            switch (name) {
              case "kind" -> node.setKind(string(p, ctxt));
              case "apiVersion" -> node.setApiVersion(string(p, ctxt));
              case "metadata" -> node.setMetadata(metadata(p, ctxt, false));
              case "status" -> node.setStatus(status(p, ctxt));
              default -> p.skipChildren();
            }
          });
    }

    private static NodeStatus status(JsonParser p, DeserializationContext ctxt) {
      NodeStatus status = new NodeStatus();
      return oneField(
          p, ctxt, status, "allocatable", () -> status.setAllocatable(quantities(p, ctxt)));
    }
  }

  /** The metadata fields spotpack and fabric8's informer read; a pod's own annotations only. */
  private static ObjectMeta metadata(JsonParser p, DeserializationContext ctxt, boolean pod) {
    expect(p, ctxt, JsonToken.START_OBJECT);
    ObjectMeta meta = new ObjectMeta();
    return fields(
        p,
        meta,
        name -> {
          switch (name) {
            case "name" -> meta.setName(string(p, ctxt));
            case "namespace" -> meta.setNamespace(string(p, ctxt));
            case "uid" -> meta.setUid(string(p, ctxt));
            case "resourceVersion" -> meta.setResourceVersion(string(p, ctxt));
            case "creationTimestamp" -> meta.setCreationTimestamp(string(p, ctxt));
            case "deletionTimestamp" -> meta.setDeletionTimestamp(string(p, ctxt));
            case "labels" -> meta.setLabels(strings(p, ctxt, false));
            case "annotations" -> meta.setAnnotations(strings(p, ctxt, pod));
            default -> p.skipChildren();
          }
        });
  }

  /**
   * A string-to-string map, a null value kept as null; with {@code onlySpotpack}, only the keys
   * spotpack reads.
   */
  private static Map<String, String> strings(
      JsonParser p, DeserializationContext ctxt, boolean onlySpotpack) {
    expect(p, ctxt, JsonToken.START_OBJECT);
    Map<String, String> out = new LinkedHashMap<>();
    return entries(
        p,
        out,
        key -> {
          if (onlySpotpack && !KubeModel.keepsAnnotation(key)) {
            p.skipChildren();
          } else {
            out.put(key, p.currentToken() == JsonToken.VALUE_NULL ? null : string(p, ctxt));
          }
        });
  }

  /** A container's or a pod's resources: their requests (limits and claims are not read). */
  private static ResourceRequirements requirements(JsonParser p, DeserializationContext ctxt) {
    ResourceRequirements requirements = new ResourceRequirements();
    return oneField(
        p, ctxt, requirements, "requests", () -> requirements.setRequests(quantities(p, ctxt)));
  }

  /**
   * A map of quantities. A string, the form the API server writes, becomes a Quantity as fabric8's
   * deserializer makes it ({@code new Quantity(text)}), without that deserializer's reading the
   * value as a tree first; any other value is left to that deserializer.
   */
  private static Map<String, Quantity> quantities(JsonParser p, DeserializationContext ctxt) {
    expect(p, ctxt, JsonToken.START_OBJECT);
    Map<String, Quantity> out = new LinkedHashMap<>();
    return entries(
        p,
        out,
        key ->
            out.put(
                key,
                p.currentToken() == JsonToken.VALUE_STRING
                    ? new Quantity(p.getString())
                    : value(p, ctxt, Quantity.class)));
  }

  /**
   * {@code ctxt.readValue(p, type)} for a type without polymorphic type information (none of
   * fabric8's model classes read here has any): readValue treats its type as a root value and looks
   * for a type deserializer on every call, and that lookup resolves the class's annotations afresh
   * each time (a few percent of a filter call, in a JFR profile of the scheduling loop). The
   * deserializer itself comes from the mapper's cache, as in readValue.
   */
  private static <T> T value(JsonParser p, DeserializationContext ctxt, Class<T> type) {
    return type.cast(value(p, ctxt, ctxt.constructType(type)));
  }

  /** As {@link #value(JsonParser, DeserializationContext, Class)}, for a generic type. */
  @SuppressWarnings("unchecked") // the deserializer found for type produces a T
  private static <T> T value(JsonParser p, DeserializationContext ctxt, JavaType type) {
    ValueDeserializer<Object> deserializer = ctxt.findContextualValueDeserializer(type, null);
    return (T)
        (p.hasToken(JsonToken.VALUE_NULL)
            ? deserializer.getNullValue(ctxt)
            : deserializer.deserialize(p, ctxt));
  }

  /** Reads one field's value; the parser is on its first token. */
  @FunctionalInterface
  private interface FieldReader {
    void read(String name);
  }

  /**
   * The fields of an object whose start has been read, each handed to {@code reader} on its value
   * except a null one, which the full decoding also leaves unset. An error names the field it came
   * from, so KubeModel can say which field of a request's pod has the wrong type.
   */
  private static <T> T fields(JsonParser p, T owner, FieldReader reader) {
    for (String name = p.nextName(); name != null; name = p.nextName()) {
      try {
        if (p.nextToken() != JsonToken.VALUE_NULL) {
          reader.read(name);
        }
      } catch (RuntimeException e) {
        throw JacksonException.wrapWithPath(e, owner, name);
      }
    }
    return owner;
  }

  /**
   * An object, its start not read yet, of which only {@code field} is read (by {@code read}, on its
   * value, as {@link #fields} hands it); the other fields are skipped.
   */
  private static <T> T oneField(
      JsonParser p, DeserializationContext ctxt, T owner, String field, Runnable read) {
    expect(p, ctxt, JsonToken.START_OBJECT);
    return fields(
        p,
        owner,
        name -> {
          if (name.equals(field)) {
            read.run();
          } else {
            p.skipChildren();
          }
        });
  }

  /** As {@link #fields}, for a map: null values are handed to {@code reader} too. */
  private static <T> T entries(JsonParser p, T owner, FieldReader reader) {
    for (String key = p.nextName(); key != null; key = p.nextName()) {
      try {
        p.nextToken();
        reader.read(key);
      } catch (RuntimeException e) {
        throw JacksonException.wrapWithPath(e, owner, key);
      }
    }
    return owner;
  }

  /** A scalar as text (the full decoding coerces numbers and booleans to strings as well). */
  private static String string(JsonParser p, DeserializationContext ctxt) {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING
        || t == JsonToken.VALUE_NUMBER_INT
        || t == JsonToken.VALUE_NUMBER_FLOAT
        || t == JsonToken.VALUE_TRUE
        || t == JsonToken.VALUE_FALSE) {
      return p.getString();
    }
    return ctxt.reportInputMismatch(String.class, "expected a string, found %s", t);
  }

  private static void expect(JsonParser p, DeserializationContext ctxt, JsonToken token) {
    if (p.currentToken() != token) {
      ctxt.reportInputMismatch(Object.class, "expected %s, found %s", token, p.currentToken());
    }
  }
}
