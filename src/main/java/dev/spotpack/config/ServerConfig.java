package dev.spotpack.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * HTTP settings.
 *
 * @param maxRequestBodyBytes largest request body accepted (413 above it); the default, 64 MiB,
 *     holds a full-Node filter call for 1,000 nodes (about 10-20 KiB each) several times over
 * @param tls HTTPS for the extender port, or null for plain HTTP; the management port stays plain
 *     (probes and scrapes), and can be kept off the network separately
 * @param webhook the spread-hint admission webhook's own HTTPS listener, or null for none
 * @param maxRequestBytesInFlight the request bytes all listeners may hold at once (503 beyond, one
 *     request always admitted); 0: an eighth of the heap
 * @param warmUpPods how many made-up executors a live spotpack rehearses its request path with
 *     right after it starts, so that the JIT compiles it before real calls pay for that; 0: none
 * @param eventLoops how many event loops serve the extender port (each connection stays on one):
 *     kube-scheduler sends one filter at a time, so one loop serves it without threads handing
 *     calls and binding answers to each other; more serve several concurrent callers (load tests,
 *     several schedulers) on more cores
 *     <p>Immutable.
 */
public record ServerConfig(
    long maxRequestBodyBytes,
    @Nullable Tls tls,
    @Nullable Webhook webhook,
    long maxRequestBytesInFlight,
    int warmUpPods,
    int eventLoops) {
  public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_WARM_UP_PODS = 2000;
  public static final int DEFAULT_EVENT_LOOPS = 1;
  public static final ServerConfig DEFAULT =
      new ServerConfig(
          DEFAULT_MAX_REQUEST_BODY_BYTES, null, null, 0, DEFAULT_WARM_UP_PODS, DEFAULT_EVENT_LOOPS);

  /**
   * The extender port's certificate and key (PEM), and optionally the CA whose client certificates
   * are required (mutual TLS: kube-scheduler's {@code tlsConfig.certFile}/{@code keyFile}).
   */
  public record Tls(Path certFile, Path keyFile, @Nullable Path clientCaFile) {}

  /**
   * The webhook listener: the API server calls admission webhooks only over HTTPS, so TLS is not
   * optional here; it is a port of its own so that the extender port can stay plain on localhost.
   *
   * @param port 0 picks a free port (tests)
   * @param placementGate whether executors also get spotpack's placement gate, lifted by spotpack
   *     with the node affinity that lets autoscalers see the spot share and pool caps (live mode
   *     only; default true)
   */
  public record Webhook(int port, Tls tls, boolean placementGate) {
    public Webhook(int port, Tls tls) {
      this(port, tls, true);
    }
  }
}
