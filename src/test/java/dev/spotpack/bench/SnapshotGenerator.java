package dev.spotpack.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a large cluster as {@code kubectl get nodes,pods -A -o json} would (a List of Nodes and
 * Pods), for {@code serve --snapshot}, and a filter request naming every node, for the load
 * generator (docs/benchmarks.md), and 16 more naming them in random orders. Same shape as {@link
 * LargeCluster}: two thirds of the nodes spot, two thirds of the pods executors in jobs of 100, 95%
 * bound.
 *
 * <p>Run: {@code java -cp ... dev.spotpack.bench.SnapshotGenerator 5000 150000 target/bench}
 */
public final class SnapshotGenerator {
  private SnapshotGenerator() {}

  public static void main(String[] args) throws IOException {
    int nodes = Integer.parseInt(args[0]);
    int pods = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    Files.createDirectories(dir);
    try (BufferedWriter w =
        Files.newBufferedWriter(dir.resolve("cluster.json"), StandardCharsets.UTF_8)) {
      w.write(
          "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"\"},\"items\":[");
      for (int i = 0; i < nodes; i++) {
        w.write(i == 0 ? "" : ",");
        w.write(
            "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\""
                + node(i)
                + "\",\"uid\":\"n-"
                + i
                + "\",\"labels\":{\"karpenter.sh/capacity-type\":\""
                + (i % 3 == 0 ? "on-demand" : "spot")
                + "\",\"kubernetes.io/hostname\":\""
                + node(i)
                + "\",\"node.kubernetes.io/instance-type\":\"m6i.4xlarge\"}},"
                + "\"status\":{\"allocatable\":{\"cpu\":\"15890m\",\"memory\":\"62310964Ki\",\"pods\":\"110\"}}}");
      }
      for (int i = 0; i < pods; i++) {
        boolean executor = i % 3 != 2;
        String labels =
            executor
                ? "\"spark-app-selector\":\"spark-" + (i / 150) + "\",\"spark-role\":\"executor\""
                : "\"app\":\"web-" + (i % 50) + "\"";
        String nodeName = i % 20 == 0 ? "" : ",\"nodeName\":\"" + node(i % nodes) + "\"";
        w.write(
            ",{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"pod-"
                + i
                + "\",\"namespace\":\"ns-"
                + (i % 40)
                + "\",\"uid\":\"p-"
                + i
                + "\",\"labels\":{"
                + labels
                + "}},\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":"
                + "{\"requests\":{\"cpu\":\""
                + (executor ? "3" : "250m")
                + "\",\"memory\":\""
                + (executor ? "11Gi" : "512Mi")
                + "\"}}}]"
                + nodeName
                + "},\"status\":{\"phase\":\""
                + (i % 20 == 0 ? "Pending" : "Running")
                + "\"}}");
      }
      w.write("]}\n");
    }
    LargeCluster names = new LargeCluster(nodes, 0);
    Files.writeString(
        dir.resolve("filter.json"), names.args(names.nodeNames), StandardCharsets.UTF_8);
    for (int k = 1; k <= LargeCluster.SHUFFLED_ORDERS; k++) {
      Files.writeString(shuffled(dir, k), names.shuffledArgs(k), StandardCharsets.UTF_8);
    }
    System.out.println(
        "wrote "
            + dir.resolve("cluster.json")
            + ", "
            + dir.resolve("filter.json")
            + " and "
            + shuffled(dir, 1)
            + " to "
            + shuffled(dir, LargeCluster.SHUFFLED_ORDERS));
  }

  static Path shuffled(Path dir, int k) {
    return dir.resolve("filter-shuffled-" + k + ".json");
  }

  static String node(int i) {
    return "ip-10-0-" + (i / 250) + "-" + (i % 250) + ".ec2.internal";
  }
}
