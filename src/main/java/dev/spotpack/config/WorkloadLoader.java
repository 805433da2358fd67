package dev.spotpack.config;

import dev.spotpack.sim.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads a workload file for {@code spotpack simulate} (format in the README, "Workload file").
 * Every problem is reported at once with its key path; nothing is defaulted silently except the
 * documented defaults.
 */
public final class WorkloadLoader {
  private static final long GI = 1024L * 1024 * 1024;
  private static final Set<String> TOP =
      Set.of(
          "durationHours",
          "instanceTypes",
          "zones",
          "autoscaler",
          "spotInterruptionsPerNodeHour",
          "poolReclaims",
          "jobFailureLostShare",
          "jobRetries",
          "jobs");
  private static final Set<String> JOB =
      Set.of(
          "name",
          "arrivalMinute",
          "workMinutes",
          "executors",
          "executorCpu",
          "executorMemoryGiB",
          "driverCpu",
          "driverMemoryGiB",
          "profile",
          "maxSpotFractionPerNode",
          "maxSpotShare",
          "expectedExecutors",
          "dynamicAllocation",
          "repeat");

  public Workload parse(String text, String source) {
    JsonNode root = YamlReader.readTree(text, source);
    YamlReader r = new YamlReader();
    if (root == null || !r.object(root, "(top level)")) {
      throw new ConfigException(
          source,
          r.problems().isEmpty() ? List.of("(top level): the file is empty") : r.problems());
    }
    r.onlyKeys(root, "", TOP);
    int minutes = (int) r.integer(root.get("durationHours"), "durationHours", 24, 1, 24 * 31) * 60;
    List<Workload.InstanceType> types = instanceTypes(r, root.get("instanceTypes"));
    List<String> zones = zones(r, root.get("zones"));
    Workload.Autoscaler autoscaler = autoscaler(r, root.get("autoscaler"));
    Workload.SpotReclaims defaults = Workload.SpotReclaims.DEFAULT;
    double rate =
        r.number(
            root.get("spotInterruptionsPerNodeHour"),
            "spotInterruptionsPerNodeHour",
            defaults.nodeReclaimsPerNodeHour(),
            0,
            60);
    Workload.SpotReclaims reclaims = poolReclaims(r, root.get("poolReclaims"), rate);
    double failure = r.number(root.get("jobFailureLostShare"), "jobFailureLostShare", 0.3, 0, 1);
    int retries =
        (int) r.integer(root.get("jobRetries"), "jobRetries", Workload.DEFAULT_JOB_RETRIES, 0, 100);
    List<Workload.JobSpec> jobs = jobs(r, root.get("jobs"), types);
    if (!r.problems().isEmpty()) {
      throw new ConfigException(source, r.problems());
    }
    jobs.sort((a, b) -> Integer.compare(a.arrivalMinute(), b.arrivalMinute()));
    return new Workload(minutes, types, zones, autoscaler, reclaims, failure, retries, jobs);
  }

  private static List<String> zones(YamlReader r, @Nullable JsonNode node) {
    if (node == null) {
      return Workload.DEFAULT_ZONES;
    }
    List<String> zones = new ArrayList<>();
    if (!node.isArray() || node.isEmpty()) {
      r.problem("zones", "must be a non-empty list of zone names");
      return Workload.DEFAULT_ZONES;
    }
    for (int i = 0; i < node.size(); i++) {
      String zone = r.string(node.get(i), "zones[" + i + "]", "");
      if (zones.contains(zone)) {
        r.problem("zones[" + i + "]", "repeats " + zone);
      }
      zones.add(zone);
    }
    return zones;
  }

  private static Workload.SpotReclaims poolReclaims(
      YamlReader r, @Nullable JsonNode node, double nodeRate) {
    Workload.SpotReclaims d = Workload.SpotReclaims.DEFAULT;
    if (node == null || !r.object(node, "poolReclaims")) {
      return new Workload.SpotReclaims(
          nodeRate,
          d.poolEventsPerPoolHour(),
          d.poolEventNodeShare(),
          d.poolEventMinutes(),
          List.of());
    }
    r.onlyKeys(
        node, "poolReclaims.", Set.of("eventsPerPoolHour", "nodeShare", "windowMinutes", "events"));
    List<Workload.PlannedPoolEvent> planned = new ArrayList<>();
    JsonNode events = node.get("events");
    if (events != null && !events.isArray()) {
      r.problem("poolReclaims.events", "must be a list of {minute, instanceType, zone}");
    } else if (events != null) {
      for (int i = 0; i < events.size(); i++) {
        String path = "poolReclaims.events[" + i + "]";
        JsonNode e = events.get(i);
        if (r.object(e, path)) {
          r.onlyKeys(e, path + ".", Set.of("minute", "instanceType", "zone"));
          planned.add(
              new Workload.PlannedPoolEvent(
                  (int) requiredInt(r, e, "minute", path, 0, 31L * 24 * 60),
                  required(r, e, "instanceType", path),
                  required(r, e, "zone", path)));
        }
      }
    }
    return new Workload.SpotReclaims(
        nodeRate,
        r.number(
            node.get("eventsPerPoolHour"),
            "poolReclaims.eventsPerPoolHour",
            d.poolEventsPerPoolHour(),
            0,
            60),
        r.number(node.get("nodeShare"), "poolReclaims.nodeShare", d.poolEventNodeShare(), 0, 1),
        (int)
            r.integer(
                node.get("windowMinutes"),
                "poolReclaims.windowMinutes",
                d.poolEventMinutes(),
                1,
                24 * 60),
        planned);
  }

  private static List<Workload.InstanceType> instanceTypes(YamlReader r, @Nullable JsonNode node) {
    List<Workload.InstanceType> types = new ArrayList<>();
    if (node == null || !node.isArray() || node.isEmpty()) {
      r.problem(
          "instanceTypes",
          "is required: a list of {name, cpu, memoryGiB, onDemandPerHour, spotPerHour}");
      return types;
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "instanceTypes[" + i + "]";
      JsonNode t = node.get(i);
      if (!r.object(t, path)) {
        continue;
      }
      r.onlyKeys(
          t, path + ".", Set.of("name", "cpu", "memoryGiB", "onDemandPerHour", "spotPerHour"));
      String name = required(r, t, "name", path);
      double cpu = requiredNumber(r, t, "cpu", path, 0.001, 1024);
      double mem = requiredNumber(r, t, "memoryGiB", path, 0.001, 65536);
      double od = requiredNumber(r, t, "onDemandPerHour", path, 0, 1000);
      double spot = requiredNumber(r, t, "spotPerHour", path, 0, 1000);
      types.add(
          new Workload.InstanceType(name, Math.round(cpu * 1000), Math.round(mem * GI), od, spot));
    }
    return types;
  }

  private static Workload.Autoscaler autoscaler(YamlReader r, @Nullable JsonNode node) {
    if (node == null || !r.object(node, "autoscaler")) {
      return new Workload.Autoscaler(2, 5);
    }
    r.onlyKeys(node, "autoscaler.", Set.of("provisioningDelayMinutes", "emptyNodeTtlMinutes"));
    return new Workload.Autoscaler(
        (int)
            r.integer(
                node.get("provisioningDelayMinutes"),
                "autoscaler.provisioningDelayMinutes",
                2,
                0,
                120),
        (int)
            r.integer(
                node.get("emptyNodeTtlMinutes"), "autoscaler.emptyNodeTtlMinutes", 5, 0, 24 * 60));
  }

  private static List<Workload.JobSpec> jobs(
      YamlReader r, @Nullable JsonNode node, List<Workload.InstanceType> types) {
    List<Workload.JobSpec> jobs = new ArrayList<>();
    if (node == null || !node.isArray() || node.isEmpty()) {
      r.problem("jobs", "is required: a list of jobs");
      return jobs;
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "jobs[" + i + "]";
      JsonNode j = node.get(i);
      if (!r.object(j, path)) {
        continue;
      }
      r.onlyKeys(j, path + ".", JOB);
      String name = required(r, j, "name", path);
      long arrival = requiredInt(r, j, "arrivalMinute", path, 0, 31L * 24 * 60);
      long work = requiredInt(r, j, "workMinutes", path, 1, 31L * 24 * 60);
      long executors = requiredInt(r, j, "executors", path, 1, 10_000);
      long cpu = Math.round(requiredNumber(r, j, "executorCpu", path, 0.001, 1024) * 1000);
      long mem = Math.round(requiredNumber(r, j, "executorMemoryGiB", path, 0.001, 65536) * GI);
      long driverCpu =
          Math.round(r.number(j.get("driverCpu"), path + ".driverCpu", 1, 0.001, 1024) * 1000);
      long driverMem =
          Math.round(
              r.number(j.get("driverMemoryGiB"), path + ".driverMemoryGiB", 4, 0.001, 65536) * GI);
      Map<String, String> annotations = new LinkedHashMap<>();
      if (j.get("profile") != null) {
        annotations.put("spotpack.dev/profile", r.string(j.get("profile"), path + ".profile", ""));
      }
      if (j.get("maxSpotFractionPerNode") != null) {
        annotations.put(
            "spotpack.dev/max-spot-fraction-per-node",
            String.valueOf(
                r.fraction(
                    j.get("maxSpotFractionPerNode"), path + ".maxSpotFractionPerNode", null)));
      }
      if (j.get("maxSpotShare") != null) {
        annotations.put(
            "spotpack.dev/max-spot-share",
            String.valueOf(r.fraction(j.get("maxSpotShare"), path + ".maxSpotShare", null)));
      }
      long expected =
          r.integer(
              j.get("expectedExecutors"), path + ".expectedExecutors", executors, 0, 1_000_000);
      if (expected > 0) {
        annotations.put("spotpack.dev/expected-executors", Long.toString(expected));
      }
      Workload.DynamicAllocation da = null;
      JsonNode daNode = j.get("dynamicAllocation");
      if (daNode != null && r.object(daNode, path + ".dynamicAllocation")) {
        r.onlyKeys(daNode, path + ".dynamicAllocation.", Set.of("minExecutors"));
        da =
            new Workload.DynamicAllocation(
                (int)
                    requiredInt(
                        r, daNode, "minExecutors", path + ".dynamicAllocation", 0, executors));
      }
      if (types.stream().noneMatch(t -> t.cpuMillis() >= cpu && t.memoryBytes() >= mem)) {
        r.problem(
            path, "its executors (" + cpu + "m cpu, " + mem / GI + " GiB) fit no instance type");
      }
      if (types.stream()
          .noneMatch(t -> t.cpuMillis() >= driverCpu && t.memoryBytes() >= driverMem)) {
        r.problem(path, "its driver fits no instance type");
      }
      int count = 1;
      long every = 0;
      JsonNode repeat = j.get("repeat");
      if (repeat != null && r.object(repeat, path + ".repeat")) {
        r.onlyKeys(repeat, path + ".repeat.", Set.of("count", "everyMinutes"));
        count = (int) requiredInt(r, repeat, "count", path + ".repeat", 1, 10_000);
        every = requiredInt(r, repeat, "everyMinutes", path + ".repeat", 1, 31L * 24 * 60);
      }
      for (int k = 0; k < count; k++) {
        jobs.add(
            new Workload.JobSpec(
                count == 1 ? name : name + "-" + (k + 1),
                (int) (arrival + k * every),
                (int) work,
                (int) executors,
                cpu,
                mem,
                driverCpu,
                driverMem,
                annotations,
                da));
      }
    }
    return jobs;
  }

  private static String required(YamlReader r, JsonNode obj, String key, String path) {
    if (obj.get(key) == null) {
      r.problem(path + "." + key, "is required");
      return "";
    }
    return r.string(obj.get(key), path + "." + key, "");
  }

  private static double requiredNumber(
      YamlReader r, JsonNode obj, String key, String path, double min, double max) {
    if (obj.get(key) == null) {
      r.problem(path + "." + key, "is required");
      return min;
    }
    return r.number(obj.get(key), path + "." + key, min, min, max);
  }

  private static long requiredInt(
      YamlReader r, JsonNode obj, String key, String path, long min, long max) {
    if (obj.get(key) == null) {
      r.problem(path + "." + key, "is required");
      return min;
    }
    return r.integer(obj.get(key), path + "." + key, min, min, max);
  }
}
