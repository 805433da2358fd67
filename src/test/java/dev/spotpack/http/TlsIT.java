package dev.spotpack.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extender port over TLS, as kube-scheduler's {@code tlsConfig} uses it: server certificate
 * only, and mutual TLS with a client CA. Certificates are made with openssl; skipped with the
 * reason where openssl is missing.
 */
class TlsIT {
  @TempDir static Path dir;
  static String body;

  @BeforeAll
  static void certificates() throws Exception {
    assumeTrue(
        TestCertificates.opensslAvailable(dir),
        "openssl is not installed: cannot make test certificates");
    TestCertificates.make(dir);
    body = Files.readString(Path.of("src/main/resources/examples/filter-request.json"));
  }

  static ExtenderApp start(String tlsYaml) throws Exception {
    Path config = dir.resolve("spotpack-" + System.nanoTime() + ".yaml");
    Files.writeString(config, "server:\n  tls:\n" + tlsYaml);
    ExtenderApp app =
        ExtenderApp.create(
            new ExtenderApp.Options(config, new ExtenderApp.Source.Example(), "127.0.0.1", 0, 0));
    app.start();
    return app;
  }

  /** spotpack over TLS with the test server certificate, no client certificate asked. */
  static ExtenderApp startWithServerCertificate() throws Exception {
    return start(
        "    certFile: "
            + dir.resolve("server.crt")
            + "\n    keyFile: "
            + dir.resolve("server.key")
            + "\n");
  }

  static SSLContext context(boolean withClientCertificate) throws Exception {
    return TestCertificates.clientContext(dir, withClientCertificate);
  }

  static HttpResponse<String> filter(SSLContext ctx, String scheme, int port) throws Exception {
    return filter(ctx, scheme, port, HttpClient.Version.HTTP_1_1);
  }

  static HttpResponse<String> filter(
      SSLContext ctx, String scheme, int port, HttpClient.Version version) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(ctx).version(version).build();
    return client.send(
        HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/scheduler/filter"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheExtenderOverHttpsAndKeepsManagementPlain() throws Exception {
    ExtenderApp app = startWithServerCertificate();
    try {
      HttpResponse<String> https = filter(context(false), "https", app.extenderPort());
      assertThat(https.statusCode()).isEqualTo(200);
      assertThat(https.body()).contains("already has 3 of its 12 executors here");
      assertThatThrownBy(() -> filter(context(false), "http", app.extenderPort()))
          .isInstanceOf(IOException.class);
      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + app.managementPort() + "/readyz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
    } finally {
      app.stop();
    }
  }

  /**
   * A client that offers HTTP/2 (as kube-scheduler's Go client does over TLS) gets it, and so sends
   * every call over one connection; one that does not still gets HTTP/1.1.
   */
  @Test
  void offersHttp2OverTls() throws Exception {
    ExtenderApp app = startWithServerCertificate();
    try {
      HttpResponse<String> h2 =
          filter(context(false), "https", app.extenderPort(), HttpClient.Version.HTTP_2);
      assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(h2.statusCode()).isEqualTo(200);
      assertThat(h2.body()).contains("already has 3 of its 12 executors here");
      HttpResponse<String> h1 = filter(context(false), "https", app.extenderPort());
      assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(h1.statusCode()).isEqualTo(200);
    } finally {
      app.stop();
    }
  }

  @Test
  void requiresAClientCertificateSignedByTheClientCa() throws Exception {
    ExtenderApp app =
        start(
            "    certFile: "
                + dir.resolve("server.crt")
                + "\n    keyFile: "
                + dir.resolve("server.key")
                + "\n    clientCaFile: "
                + dir.resolve("ca.crt")
                + "\n");
    try {
      assertThatThrownBy(() -> filter(context(false), "https", app.extenderPort()))
          .isInstanceOf(IOException.class);
      assertThat(filter(context(true), "https", app.extenderPort()).statusCode()).isEqualTo(200);
    } finally {
      app.stop();
    }
  }

  @Test
  void aMissingCertificateFileStopsStartupNamingIt() throws Exception {
    Path config = dir.resolve("missing.yaml");
    Files.writeString(
        config,
        "server:\n  tls:\n    certFile: /nonexistent/tls.crt\n    keyFile: /nonexistent/tls.key\n");
    assertThatThrownBy(
            () ->
                ExtenderApp.create(
                    new ExtenderApp.Options(
                        config, new ExtenderApp.Source.Example(), "127.0.0.1", 0, 0)))
        .hasMessage(
            "invalid config "
                + config
                + ":\n"
                + "  - server.tls.certFile: /nonexistent/tls.crt does not exist or cannot be read\n"
                + "  - server.tls.keyFile: /nonexistent/tls.key does not exist or cannot be read");
  }

  @Test
  void servesTheWebhookOnItsOwnHttpsPort() throws Exception {
    Path config = dir.resolve("webhook.yaml");
    Files.writeString(
        config,
        "server:\n  webhook:\n    port: 0\n    certFile: "
            + dir.resolve("server.crt")
            + "\n    keyFile: "
            + dir.resolve("server.key")
            + "\n");
    ExtenderApp app =
        ExtenderApp.create(
            new ExtenderApp.Options(config, new ExtenderApp.Source.Example(), "127.0.0.1", 0, 0));
    app.start();
    try {
      assertThat(app.webhookPort()).isPositive().isNotEqualTo(app.extenderPort());
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(context(false))
              .version(HttpClient.Version.HTTP_1_1)
              .build();
      HttpResponse<String> reply =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("https://127.0.0.1:" + app.webhookPort() + "/webhook/spread-hint"))
                  .POST(
                      HttpRequest.BodyPublishers.ofFile(
                          Path.of(
                              "src/test/resources/golden/webhook/executor-with-size/request.json")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.body()).contains("\"patchType\":\"JSONPatch\"");
      // the extender port does not serve the webhook
      HttpResponse<String> extender =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + app.extenderPort() + "/webhook/spread-hint"))
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(extender.statusCode()).isEqualTo(404);
    } finally {
      app.stop();
    }
  }

  @Test
  void aWebhookWithoutItsCertificateStopsStartupNamingTheKey() throws Exception {
    Path config = dir.resolve("webhook-missing.yaml");
    Files.writeString(
        config,
        "server:\n"
            + "  webhook:\n"
            + "    port: 0\n"
            + "    certFile: /nonexistent/w.crt\n"
            + "    keyFile: /nonexistent/w.key\n");
    // with the rest of the config: every bad key in one message, before anything starts
    assertThatThrownBy(
            () ->
                ExtenderApp.create(
                    new ExtenderApp.Options(
                        config, new ExtenderApp.Source.Example(), "127.0.0.1", 0, 0)))
        .hasMessage(
            "invalid config "
                + config
                + ":\n"
                + "  - server.webhook.certFile: /nonexistent/w.crt does not exist or cannot be"
                + " read\n"
                + "  - server.webhook.keyFile: /nonexistent/w.key does not exist or cannot be"
                + " read");
  }
}
