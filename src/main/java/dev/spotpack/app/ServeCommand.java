package dev.spotpack.app;

import dev.spotpack.config.ConfigException;
import dev.spotpack.kube.KubeModelException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code spotpack serve}: the extender's HTTP server. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve kube-scheduler's extender calls: POST /scheduler/filter, /scheduler/prioritize and "
          + "/scheduler/bind on --port; GET /healthz, /readyz and /metrics on --management-port.",
      "",
      "Without --snapshot or --example, spotpack watches the cluster's nodes and pods (see"
          + " --kubeconfig) and binds through the API server. With --snapshot (or --example) the"
          + " cluster comes from a file and binds are recorded in memory: everything can be tried"
          + " without a cluster."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "spotpack's YAML config. Every key is optional; see README, \"Configuration\".")
  Path config;

  @Option(
      names = "--snapshot",
      paramLabel = "FILE",
      description =
          "Decide over this cluster snapshot instead of a live cluster: a Kubernetes List of Nodes"
              + " and Pods, as 'kubectl get nodes,pods -A -o yaml' prints it (YAML or JSON).")
  Path snapshot;

  @Option(
      names = "--example",
      description =
          "Decide over the example cluster bundled in the jar (3 spot and 2 on-demand "
              + "nodes, one Spark job with executors already placed).")
  boolean example;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig of the cluster to watch (live mode). Default: $KUBECONFIG, then "
              + "~/.kube/config, then the in-cluster service account.")
  Path kubeconfig;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = "0.0.0.0",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8888",
      description = "Extender API port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--management-port",
      paramLabel = "PORT",
      defaultValue = "8889",
      description = "Port of /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
  int managementPort;

  @Option(
      names = "--self-test",
      description =
          "Start, answer one filter call with the bundled example request over HTTP, print the"
              + " answer and exit (0 if it is a valid answer). With --example, needs no cluster.")
  boolean selfTest;

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public Integer call() throws Exception {
    if (snapshot != null && example) {
      err().println("spotpack serve: give either --snapshot FILE or --example, not both");
      return 2;
    }
    if (kubeconfig != null && (snapshot != null || example)) {
      err()
          .println(
              "spotpack serve: --kubeconfig is for a live cluster; it cannot go with --snapshot or"
                  + " --example");
      return 2;
    }
    ExtenderApp.Source source =
        snapshot != null
            ? new ExtenderApp.Source.Snapshot(snapshot)
            : example ? new ExtenderApp.Source.Example() : new ExtenderApp.Source.Live(kubeconfig);
    ExtenderApp app;
    try {
      app = ExtenderApp.create(new ExtenderApp.Options(config, source, host, port, managementPort));
    } catch (ConfigException
        | KubeModelException
        | StartupException
        | KubernetesClientException e) {
      err().println("spotpack serve: " + e.getMessage());
      return 2;
    }
    try {
      app.start();
    } catch (StartupException e) {
      err().println("spotpack serve: " + e.getMessage());
      app.stop();
      return 2;
    }
    if (selfTest) {
      try {
        return selfTest(app);
      } finally {
        app.stop();
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "spotpack-shutdown"));
    app.awaitStop();
    return 0;
  }

  /**
   * One filter call over HTTP to the server just started, with the bundled example request: a smoke
   * check of a build or an image that needs no cluster.
   */
  private int selfTest(ExtenderApp app) throws Exception {
    byte[] body;
    try (var in = ServeCommand.class.getResourceAsStream("/examples/filter-request.json")) {
      if (in == null) {
        err().println("spotpack serve --self-test: the example request is missing from the jar");
        return 1;
      }
      body = in.readAllBytes();
    }
    String host = "0.0.0.0".equals(this.host) ? "127.0.0.1" : this.host;
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://" + host + ":" + app.extenderPort() + "/scheduler/filter"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    boolean ok = answer.statusCode() == 200 && answer.body().contains("\"NodeNames\":[\"");
    spec.commandLine().getOut().println(answer.body());
    spec.commandLine().getOut().flush();
    if (!ok) {
      err().println("spotpack serve --self-test: unexpected answer, status " + answer.statusCode());
      return 1;
    }
    return 0;
  }
}
