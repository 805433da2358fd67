package dev.spotpack.config;

import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.score.ResourceWeights;
import dev.spotpack.policy.spot.CapsFallback;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.policy.spot.Profile;
import dev.spotpack.policy.spot.Profiles;
import dev.spotpack.policy.spot.SpotNodes;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads spotpack's YAML config. Every key is optional and has a documented default (README,
 * "Configuration"). Unknown keys and bad values are collected, not thrown one at a time, and
 * reported together with their full key path. Nothing falls back silently.
 *
 * <p>Stateless; safe to share across threads.
 */
public final class ConfigLoader {
  /**
   * server.eventLoops: far above what a scheduler's calls can use, low enough to be a thread each.
   */
  static final int MAX_EVENT_LOOPS = 64;

  private static final Set<String> TOP =
      Set.of("pods", "spot", "profiles", "scoring", "server", "cluster");

  /**
   * Parses {@code text}; {@code source} names the file in messages. Files the config names (TLS
   * certificates and keys) are not looked at: {@link #load} does that.
   */
  public SpotpackConfig parse(String text, String source) {
    return parse(text, source, file -> true);
  }

  /**
   * Reads and parses {@code file}, without looking at the files it names: for commands that read
   * the policy only (simulate, explain), which may run where the server's TLS files do not exist.
   *
   * @throws NoSuchFileException when {@code file} itself does not exist
   */
  public SpotpackConfig parse(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Reads and parses {@code file}, and checks that every file it names can be read: a bad file
   * stops start-up with every problem, of the YAML and of the files, in one message.
   *
   * @throws NoSuchFileException when {@code file} itself does not exist
   */
  public SpotpackConfig load(Path file) throws IOException {
    return parse(
        Files.readString(file, StandardCharsets.UTF_8), file.toString(), Files::isReadable);
  }

  private SpotpackConfig parse(String text, String source, Predicate<Path> readable) {
    JsonNode root = YamlReader.readTree(text, source);
    if (root == null) {
      return SpotpackConfig.DEFAULT;
    }
    YamlReader r = new YamlReader();
    if (!r.object(root, "(top level)")) {
      throw new ConfigException(source, r.problems());
    }
    r.onlyKeys(root, "", TOP);

    PolicyConfig d = PolicyConfig.DEFAULT;
    PodRoles roles = readRoles(r, root.get("pods"), d.roles());
    SpotNodes spotNodes = d.spotNodes();
    boolean allowDrivers = d.driversOnSpot();
    CapsFallback fallback = d.capsFallback();
    JsonNode spot = root.get("spot");
    if (spot != null && r.object(spot, "spot")) {
      r.onlyKeys(
          spot,
          "spot.",
          Set.of(
              "nodeSelectors",
              "poolLabels",
              "allowDrivers",
              "onCapsExhausted",
              "relaxAfterSeconds"));
      spotNodes = readSelectors(r, spot.get("nodeSelectors"), spotNodes);
      spotNodes =
          new SpotNodes(
              spotNodes.selectors(),
              readPoolLabels(r, spot.get("poolLabels"), spotNodes.poolLabels()));
      allowDrivers = r.bool(spot.get("allowDrivers"), "spot.allowDrivers", allowDrivers);
      String mode = r.string(spot.get("onCapsExhausted"), "spot.onCapsExhausted", "wait");
      if (!mode.equals("wait") && !mode.equals("relax")) {
        r.problem("spot.onCapsExhausted", "\"" + mode + "\" is invalid: expected wait or relax");
      }
      long relaxAfter =
          r.integer(
              spot.get("relaxAfterSeconds"),
              "spot.relaxAfterSeconds",
              d.capsFallback().relaxAfter().toSeconds(),
              1,
              24 * 3600);
      fallback =
          new CapsFallback(
              mode.equals("relax") ? CapsFallback.Mode.RELAX : CapsFallback.Mode.WAIT,
              Duration.ofSeconds(relaxAfter));
    }
    Profiles profiles = readProfiles(r, root.get("profiles"), d.profiles());
    ResourceWeights weights = readWeights(r, root.get("scoring"), d.scoringWeights());
    ServerConfig server = readServer(r, root.get("server"), readable);
    ClusterConfig cluster = readCluster(r, root.get("cluster"));

    if (!r.problems().isEmpty()) {
      throw new ConfigException(source, r.problems());
    }
    return new SpotpackConfig(
        new PolicyConfig(roles, spotNodes, allowDrivers, profiles, weights, fallback),
        server,
        cluster);
  }

  private static PodRoles readRoles(YamlReader r, @Nullable JsonNode pods, PodRoles d) {
    if (pods == null || !r.object(pods, "pods")) {
      return d;
    }
    r.onlyKeys(
        pods,
        "pods.",
        Set.of("jobLabels", "roleLabel", "driverRole", "executorRole", "inactiveLabel"));
    List<String> jobLabels = d.jobLabels();
    JsonNode jl = pods.get("jobLabels");
    if (jl != null) {
      List<String> read = r.stringList(jl, "pods.jobLabels");
      if (read != null && read.isEmpty()) {
        r.problem("pods.jobLabels", "must name at least one label key");
      } else if (read != null) {
        jobLabels = read;
      }
    }
    return new PodRoles(
        jobLabels,
        r.string(pods.get("roleLabel"), "pods.roleLabel", d.roleLabel()),
        r.string(pods.get("driverRole"), "pods.driverRole", d.driverRole()),
        r.string(pods.get("executorRole"), "pods.executorRole", d.executorRole()),
        r.string(pods.get("inactiveLabel"), "pods.inactiveLabel", d.inactiveLabel()));
  }

  private static SpotNodes readSelectors(YamlReader r, @Nullable JsonNode node, SpotNodes d) {
    if (node == null) {
      return d;
    }
    List<String> raw = r.stringList(node, "spot.nodeSelectors");
    if (raw == null) {
      return d;
    }
    List<SpotNodes.Selector> selectors = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String s = raw.get(i);
      int eq = s.indexOf('=');
      if (eq <= 0 || eq == s.length() - 1) {
        r.problem("spot.nodeSelectors[" + i + "]", "\"" + s + "\" is not of the form key=value");
      } else {
        selectors.add(
            new SpotNodes.Selector(s.substring(0, eq).trim(), s.substring(eq + 1).trim()));
      }
    }
    if (raw.isEmpty()) {
      r.problem(
          "spot.nodeSelectors",
          "must name at least one label (an empty list would make no node spot)");
    }
    return new SpotNodes(selectors);
  }

  private static List<String> readPoolLabels(
      YamlReader r, @Nullable JsonNode node, List<String> d) {
    if (node == null) {
      return d;
    }
    List<String> labels = r.stringList(node, "spot.poolLabels");
    if (labels == null) {
      return d;
    }
    if (labels.isEmpty()) {
      r.problem(
          "spot.poolLabels",
          "must name at least one label (with none, every spot node would be one pool)");
      return d;
    }
    // the reader has already named each entry that is not a non-empty string
    for (int i = 0; i < labels.size(); i++) {
      if (labels.indexOf(labels.get(i)) < i) {
        r.problem("spot.poolLabels", "lists " + labels.get(i) + " twice");
      }
    }
    return labels;
  }

  private static Profiles readProfiles(YamlReader r, @Nullable JsonNode node, Profiles d) {
    if (node == null || !r.object(node, "profiles")) {
      return d;
    }
    r.onlyKeys(node, "profiles.", Set.of("default", "levels"));
    Map<String, Profile> byName = new LinkedHashMap<>(d.byName());
    JsonNode levels = node.get("levels");
    if (levels != null && r.object(levels, "profiles.levels")) {
      for (Map.Entry<String, JsonNode> e : levels.properties()) {
        String name = e.getKey();
        String path = "profiles.levels." + name;
        JsonNode level = e.getValue();
        if (!r.object(level, path)) {
          continue;
        }
        r.onlyKeys(
            level,
            path + ".",
            Set.of("maxSpotFractionPerNode", "maxSpotShare", "maxSpotFractionPerPool"));
        Profile base = byName.get(name);
        BigDecimal f =
            r.fraction(
                level.get("maxSpotFractionPerNode"),
                path + ".maxSpotFractionPerNode",
                base == null ? null : base.maxSpotFractionPerNode());
        BigDecimal s =
            r.fraction(
                level.get("maxSpotShare"),
                path + ".maxSpotShare",
                base == null ? null : base.maxSpotShare());
        // a new profile without it gets 1: no pool cap beyond the per-node cap, as before pools
        // existed
        BigDecimal p =
            r.fraction(
                level.get("maxSpotFractionPerPool"),
                path + ".maxSpotFractionPerPool",
                base == null ? BigDecimal.ONE : base.maxSpotFractionPerPool());
        if (base == null && (f == null || s == null)) {
          r.problem(path, "a new profile must set both maxSpotFractionPerNode and maxSpotShare");
        } else if (f != null && s != null) {
          byName.put(name, new Profile(name, f, s, p == null ? BigDecimal.ONE : p));
        }
      }
    }
    String def = r.string(node.get("default"), "profiles.default", d.defaultProfile());
    if (!byName.containsKey(def)) {
      r.problem(
          "profiles.default",
          "\""
              + def
              + "\" is not a defined profile; defined: "
              + String.join(", ", byName.keySet().stream().sorted().toList()));
      return d;
    }
    return new Profiles(def, byName);
  }

  private static ResourceWeights readWeights(
      YamlReader r, @Nullable JsonNode scoring, ResourceWeights d) {
    if (scoring == null || !r.object(scoring, "scoring")) {
      return d;
    }
    r.onlyKeys(scoring, "scoring.", Set.of("resources"));
    JsonNode resources = scoring.get("resources");
    if (resources == null) {
      return d;
    }
    if (!resources.isArray() || resources.isEmpty()) {
      r.problem("scoring.resources", "must be a non-empty list of {name, weight}");
      return d;
    }
    Map<String, Long> weights = new LinkedHashMap<>();
    for (int i = 0; i < resources.size(); i++) {
      String path = "scoring.resources[" + i + "]";
      JsonNode item = resources.get(i);
      if (!r.object(item, path)) {
        continue;
      }
      r.onlyKeys(item, path + ".", Set.of("name", "weight"));
      String name = r.string(item.get("name"), path + ".name", "");
      if (name.isEmpty()) {
        r.problem(path + ".name", "is required");
        continue;
      }
      // As upstream's NodeResourcesFitArgs: weights in 1..100, 0 or absent means 1.
      long weight = r.integer(item.get("weight"), path + ".weight", 1, 0, 100);
      if (weights.put(name, weight == 0 ? 1 : weight) != null) {
        r.problem(path + ".name", "resource \"" + name + "\" is listed twice");
      }
    }
    return new ResourceWeights(weights);
  }

  private static ServerConfig readServer(
      YamlReader r, @Nullable JsonNode server, Predicate<Path> readable) {
    if (server == null || !r.object(server, "server")) {
      return ServerConfig.DEFAULT;
    }
    r.onlyKeys(
        server,
        "server.",
        Set.of(
            "maxRequestBodyBytes",
            "maxRequestBytesInFlight",
            "tls",
            "webhook",
            "warmUpPods",
            "eventLoops"));
    long max =
        r.integer(
            server.get("maxRequestBodyBytes"),
            "server.maxRequestBodyBytes",
            ServerConfig.DEFAULT_MAX_REQUEST_BODY_BYTES,
            1024,
            1L << 31);
    ServerConfig.Tls tls = null;
    JsonNode t = server.get("tls");
    if (t != null && r.object(t, "server.tls")) {
      r.onlyKeys(t, "server.tls.", Set.of("certFile", "keyFile", "clientCaFile"));
      tls = readTls(r, t, "server.tls", readable);
    }
    ServerConfig.Webhook webhook = null;
    JsonNode w = server.get("webhook");
    if (w != null && r.object(w, "server.webhook")) {
      r.onlyKeys(
          w,
          "server.webhook.",
          Set.of("port", "certFile", "keyFile", "clientCaFile", "placementGate"));
      if (w.get("port") == null) {
        r.problem(
            "server.webhook.port",
            "is required: the HTTPS port the API server calls the webhook on");
      }
      long port = r.integer(w.get("port"), "server.webhook.port", 0, 0, 65535);
      boolean gate = r.bool(w.get("placementGate"), "server.webhook.placementGate", true);
      webhook =
          new ServerConfig.Webhook((int) port, readTls(r, w, "server.webhook", readable), gate);
    }
    long inFlight =
        r.integer(
            server.get("maxRequestBytesInFlight"),
            "server.maxRequestBytesInFlight",
            0,
            0,
            1L << 40);
    long warmUpPods =
        r.integer(
            server.get("warmUpPods"),
            "server.warmUpPods",
            ServerConfig.DEFAULT_WARM_UP_PODS,
            0,
            1_000_000);
    long eventLoops =
        r.integer(
            server.get("eventLoops"),
            "server.eventLoops",
            ServerConfig.DEFAULT_EVENT_LOOPS,
            1,
            MAX_EVENT_LOOPS);
    return new ServerConfig(max, tls, webhook, inFlight, (int) warmUpPods, (int) eventLoops);
  }

  private static ServerConfig.Tls readTls(
      YamlReader r, JsonNode t, String path, Predicate<Path> readable) {
    String cert = r.string(t.get("certFile"), path + ".certFile", "");
    String key = r.string(t.get("keyFile"), path + ".keyFile", "");
    if (t.get("certFile") == null || t.get("keyFile") == null) {
      r.problem(path, "needs both certFile and keyFile");
    }
    String ca =
        t.get("clientCaFile") == null
            ? null
            : r.string(t.get("clientCaFile"), path + ".clientCaFile", "");
    checkReadable(r, cert, path + ".certFile", readable);
    checkReadable(r, key, path + ".keyFile", readable);
    checkReadable(r, ca, path + ".clientCaFile", readable);
    return new ServerConfig.Tls(
        Path.of(cert), Path.of(key), ca == null || ca.isEmpty() ? null : Path.of(ca));
  }

  private static void checkReadable(
      YamlReader r, @Nullable String file, String key, Predicate<Path> readable) {
    if (file != null && !file.isEmpty() && !readable.test(Path.of(file))) {
      r.problem(key, file + " does not exist or cannot be read");
    }
  }

  private static ClusterConfig readCluster(YamlReader r, @Nullable JsonNode cluster) {
    ClusterConfig d = ClusterConfig.DEFAULT;
    if (cluster == null || !r.object(cluster, "cluster")) {
      return d;
    }
    r.onlyKeys(
        cluster,
        "cluster.",
        Set.of("assumedPlacementTtlSeconds", "bindTimeoutMillis", "bindThreads", "listPageSize"));
    long ttl =
        r.integer(
            cluster.get("assumedPlacementTtlSeconds"),
            "cluster.assumedPlacementTtlSeconds",
            d.assumedPlacementTtl().toSeconds(),
            1,
            3600);
    long bindTimeout =
        r.integer(
            cluster.get("bindTimeoutMillis"),
            "cluster.bindTimeoutMillis",
            d.bindTimeout().toMillis(),
            100,
            60_000);
    long threads =
        r.integer(cluster.get("bindThreads"), "cluster.bindThreads", d.bindThreads(), 1, 256);
    long page =
        r.integer(cluster.get("listPageSize"), "cluster.listPageSize", d.listPageSize(), 1, 10_000);
    return new ClusterConfig(
        Duration.ofSeconds(ttl), Duration.ofMillis(bindTimeout), (int) threads, (int) page);
  }
}
