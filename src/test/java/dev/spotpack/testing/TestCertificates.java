package dev.spotpack.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test certificates made with openssl in {@code dir}: {@code ca.crt}/{@code ca.key}, and {@code
 * server.crt}/{@code server.key} and {@code client.crt}/{@code client.key} signed by that CA for IP
 * 127.0.0.1, plus {@code client.p12} (password "test").
 */
public final class TestCertificates {
  private TestCertificates() {}

  /** Whether openssl can be run here; tests that need certificates skip with a reason if not. */
  public static boolean opensslAvailable(Path dir) throws IOException, InterruptedException {
    return run(dir, List.of("openssl", "version"));
  }

  public static void make(Path dir) throws IOException, InterruptedException {
    check(
        dir,
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=test-ca",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt"));
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    for (String who : List.of("server", "client")) {
      check(
          dir,
          List.of(
              "openssl",
              "req",
              "-newkey",
              "rsa:2048",
              "-nodes",
              "-subj",
              "/CN=" + who,
              "-keyout",
              who + ".key",
              "-out",
              who + ".csr"));
      check(
          dir,
          List.of(
              "openssl",
              "x509",
              "-req",
              "-in",
              who + ".csr",
              "-CA",
              "ca.crt",
              "-CAkey",
              "ca.key",
              "-CAcreateserial",
              "-days",
              "1",
              "-extfile",
              "san.ext",
              "-out",
              who + ".crt"));
    }
    check(
        dir,
        List.of(
            "openssl",
            "pkcs12",
            "-export",
            "-in",
            "client.crt",
            "-inkey",
            "client.key",
            "-out",
            "client.p12",
            "-passout",
            "pass:test"));
  }

  private static void check(Path dir, List<String> command)
      throws IOException, InterruptedException {
    if (!run(dir, command)) {
      throw new IOException(
          String.join(" ", command) + " failed; see " + dir.resolve("openssl.log"));
    }
  }

  private static boolean run(Path dir, List<String> command)
      throws IOException, InterruptedException {
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("openssl.log").toFile()))
              .start();
    } catch (IOException e) {
      return false;
    }
    return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  /**
   * A client's TLS context that trusts {@code dir}'s CA, with the client certificate when asked.
   */
  public static SSLContext clientContext(Path dir, boolean withClientCertificate) throws Exception {

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (withClientCertificate) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
        keys.load(in, "test".toCharArray());
      }
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, "test".toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
