package dev.spotpack.e2e;

import static org.awaitility.Awaitility.await;

import dev.spotpack.app.ExtenderApp;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/*
 * Design note (how the binaries are built: e2e/build-k8s.sh).
 *
 * etcd, kube-apiserver and kube-scheduler as plain processes on loopback, no kubelet and no
 * controller manager. The API server authenticates one static bearer token in system:masters and
 * generates its own serving certificate. Admission plugins ServiceAccount (no controller makes the
 * default service account) and TaintNodesByCondition (no controller would ever lift the not-ready
 * taint from fake nodes) are off. spotpack runs in this JVM in live mode against the same API
 * server; kube-scheduler runs the shipped scheduler-config file with only the extender URL and the
 * kubeconfig substituted, leader election included (so its namespace is created first).
 */

/** The no-Docker backend: a real API server and a real kube-scheduler, started per test class. */
final class LocalControlPlane {
  private LocalControlPlane() {}

  /** The API server alone (etcd, kube-apiserver), with the spotpack-system namespace created. */
  record ApiServer(
      Path dir,
      Processes processes,
      KubernetesClient client,
      Path kubeconfig,
      HttpClient insecure,
      List<String> apiServerCommand,
      String token,
      int apiPort)
      implements AutoCloseable {
    /** Closes the client, then stops kube-apiserver, etcd and every process started beside them. */
    @Override
    public void close() {
      client.close();
      processes.close();
    }

    /** kube-apiserver's /metrics text. */
    String metrics() throws Exception {
      return insecure
          .send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + apiPort + "/metrics"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }

    /** Stops kube-apiserver (etcd keeps the data) and waits for it to be gone. */
    void stopApiServer() throws InterruptedException {
      processes.stop("kube-apiserver");
    }

    /**
     * Starts kube-apiserver again with the same flags, port and certificates; returns once ready.
     */
    void startApiServer() throws Exception {
      processes.start("kube-apiserver", apiServerCommand);
      awaitApiServerReady(insecure, "https://127.0.0.1:" + apiPort, token, processes);
    }
  }

  static AttachedCluster start(Path bin, Path dir) throws Exception {
    ApiServer api = startApiServer(bin, dir);
    try {
      ExtenderApp spotpack =
          SpotpackAndScheduler.start(bin, dir, api.kubeconfig(), api.processes(), api.insecure());
      return new AttachedCluster(dir, api.processes(), api.client(), spotpack);
    } catch (Exception | AssertionError e) {
      api.close();
      throw e;
    }
  }

  static ApiServer startApiServer(Path bin, Path dir) throws Exception {
    Files.createDirectories(dir);
    Processes processes = new Processes(dir);
    try {
      int[] etcdPorts = Processes.freePorts(2);
      int etcdPort = etcdPorts[0];
      int etcdPeerPort = etcdPorts[1];
      processes.start(
          "etcd",
          List.of(
              bin.resolve("etcd").toString(),
              "--data-dir=" + dir.resolve("etcd-data"),
              "--listen-client-urls=http://127.0.0.1:" + etcdPort,
              "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
              "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort,
              "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
              "--initial-cluster=default=http://127.0.0.1:" + etcdPeerPort,
              "--unsafe-no-fsync=true"));
      HttpClient plain = HttpClient.newHttpClient();
      awaitOk(
          () ->
              plain
                  .send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + etcdPort + "/health"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode(),
          "etcd",
          processes);

      String token = UUID.randomUUID().toString();
      Files.writeString(
          dir.resolve("tokens.csv"), token + ",spotpack-e2e-admin,1,system:masters\n");
      writeServiceAccountKey(dir.resolve("sa.key"));
      int apiPort = Processes.freePort();
      List<String> apiServerCommand =
          List.of(
              bin.resolve("kube-apiserver").toString(),
              "--etcd-servers=http://127.0.0.1:" + etcdPort,
              "--bind-address=127.0.0.1",
              "--secure-port=" + apiPort,
              "--advertise-address=127.0.0.1",
              "--cert-dir=" + dir.resolve("pki"),
              "--token-auth-file=" + dir.resolve("tokens.csv"),
              "--authorization-mode=RBAC",
              "--service-account-issuer=https://kubernetes.default.svc",
              "--service-account-signing-key-file=" + dir.resolve("sa.key"),
              "--service-account-key-file=" + dir.resolve("sa.key"),
              "--service-cluster-ip-range=10.0.0.0/24",
              "--disable-admission-plugins=ServiceAccount,TaintNodesByCondition",
              "--endpoint-reconciler-type=none",
              "--allow-privileged=true");
      processes.start("kube-apiserver", apiServerCommand);
      // HTTP/1.1: kube-scheduler's server answers the JDK client's HTTP/2 with GOAWAY.
      HttpClient insecure =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .sslContext(trustAll())
              .build();
      String api = "https://127.0.0.1:" + apiPort;
      awaitApiServerReady(insecure, api, token, processes);

      Path kubeconfig = dir.resolve("admin.kubeconfig");
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters:
          - name: local
            cluster: {server: "%s", insecure-skip-tls-verify: true}
          users:
          - name: admin
            user: {token: "%s"}
          contexts:
          - name: local
            context: {cluster: local, user: admin}
          current-context: local
          """
              .formatted(api, token),
          StandardCharsets.UTF_8);
      KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
              .build();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> client.namespaces().withName("default").get() != null);
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("spotpack-system")
                  .endMetadata()
                  .build())
          .create();

      return new ApiServer(
          dir, processes, client, kubeconfig, insecure, apiServerCommand, token, apiPort);
    } catch (Exception | AssertionError e) {
      processes.close();
      throw e;
    }
  }

  @FunctionalInterface
  interface StatusCall {
    int status() throws Exception;
  }

  /**
   * Until kube-apiserver at {@code url} answers /readyz with 200; fails with its log after 90 s.
   */
  private static void awaitApiServerReady(
      HttpClient insecure, String url, String token, Processes processes) {
    awaitOk(
        () ->
            insecure
                .send(
                    HttpRequest.newBuilder(URI.create(url + "/readyz"))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode(),
        "kube-apiserver",
        processes);
  }

  /**
   * Until {@code call} answers 200; fails with the process's log after 90 s, or as soon as the
   * process {@code name} has exited (a bad flag, say, ends it at once).
   */
  static void awaitOk(StatusCall call, String name, Processes processes) {
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .failFast(name + " exited", () -> !processes.isAlive(name))
          .ignoreExceptions()
          .until(() -> call.status() == 200);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          name + " did not become ready; its log ends:\n" + processes.tail(name, 30), e);
    } catch (TerminalFailureException e) {
      throw new AssertionError(
          name + " exited before it was ready; its log ends:\n" + processes.tail(name, 30), e);
    }
  }

  /** An RSA key in PKCS#8 PEM, as the API server's service-account signer. */
  private static void writeServiceAccountKey(Path file) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(file, pem, StandardCharsets.US_ASCII);
  }

  /** Loopback only: the API server's self-signed certificate. */
  static SSLContext trustAll() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        new SecureRandom());
    return ctx;
  }
}
