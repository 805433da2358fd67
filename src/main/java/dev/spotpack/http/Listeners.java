package dev.spotpack.http;

import dev.spotpack.config.ServerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every listener is set up: the same limits and deadlines on the extender, management and
 * webhook ports, HTTPS where configured.
 *
 * <p>An idle timeout of {@value #IDLE_TIMEOUT_SECONDS} s: longer than kube-scheduler keeps an idle
 * connection for reuse (90 s: its extender client's transport gets http.DefaultTransport's
 * IdleConnTimeout from SetOldTransportDefaults in kubernetes/kubernetes
 * staging/src/k8s.io/apimachinery/pkg/util/net/http.go), so spotpack never closes a connection the
 * scheduler is about to reuse, while a connection that sends nothing (or stops half-way through its
 * headers) is closed instead of held forever. HTTP/1.1 on plain ports, and HTTP/2 too over TLS,
 * where Go's clients offer it by ALPN; cleartext HTTP/2 (h2c upgrade) stays off: no client here
 * uses it, and it would hand the connection handler a connection that closes when it upgrades.
 *
 * <p>Each port counts the connections it accepts ({@code spotpack_http_connections_opened_total}):
 * kube-scheduler's extender client keeps at most two idle connections per extender (Go's
 * DefaultMaxIdleConnsPerHost; kubernetes/kubernetes pkg/scheduler/extender.go {@code makeTransport}
 * sets no other), so once more than two calls overlap (binds waiting on the API server while the
 * next pod is filtered) it closes the extra connections after their call and opens new ones for
 * later calls. The count shows that churn.
 *
 * <p>Immutable.
 */
public final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
  static final int IDLE_TIMEOUT_SECONDS = 120;

  private final Vertx vertx;
  private final String host;
  private final Duration requestDeadline;
  private final MeterRegistry registry;

  /**
   * @param requestDeadline how long a request may take once its headers are in (see {@link
   *     #requestDeadline(Duration)})
   */
  public Listeners(Vertx vertx, String host, Duration requestDeadline, MeterRegistry registry) {
    this.vertx = vertx;
    this.host = host;
    this.requestDeadline = requestDeadline;
    this.registry = registry;
  }

  /**
   * The longest a verb can legitimately take (a bind waits up to {@code bindTimeout} for the API
   * server) plus 30 s for a large body on a slow link; past it, a client trickling its body is cut
   * off.
   */
  public static Duration requestDeadline(Duration bindTimeout) {
    return bindTimeout.plusSeconds(30);
  }

  /**
   * Starts listening on {@code port} ({@code what} names it in logs); HTTPS with PEM files when
   * {@code tls} is set, client certificates required when it has a client CA. One event loop serves
   * every connection.
   */
  public CompletableFuture<HttpServer> listen(
      Router router, ServerConfig.@Nullable Tls tls, int port, String what) {
    return server(router, tls, what, deadlines(what))
        .listen(port, host)
        .toCompletionStage()
        .toCompletableFuture();
  }

  /**
   * As {@link #listen}, with {@code instances} servers on as many event loops sharing the port:
   * Vert.x hands each new connection to the next of them, so requests decided on their connection's
   * event loop (the extender's filter and prioritize) use every core when several clients call at
   * once. With {@code port} 0 they share one free port (Vert.x shares a free port among servers
   * that listen on the same negative port; port 0 would give each its own).
   */
  public CompletableFuture<List<HttpServer>> listenOnEventLoops(
      Router router, ServerConfig.@Nullable Tls tls, int port, String what, int instances) {
    ConnectionDeadlines deadlines = deadlines(what);
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    int shared = port == 0 ? -1 : port;
    return vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    return server(router, tls, what, deadlines)
                        .listen(shared, host)
                        .onSuccess(servers::add);
                  }
                },
            new DeploymentOptions().setInstances(instances))
        .map(
            id -> {
              List<Integer> ports = servers.stream().map(HttpServer::actualPort).toList();
              if (ports.stream().distinct().count() != 1) {
                throw new IllegalStateException(
                    what + " servers listen on different ports: " + ports);
              }
              return List.copyOf(servers);
            })
        .toCompletionStage()
        .toCompletableFuture();
  }

  private ConnectionDeadlines deadlines(String what) {
    return new ConnectionDeadlines(
        vertx, Duration.ofSeconds(IDLE_TIMEOUT_SECONDS), requestDeadline, what);
  }

  private HttpServer server(
      Router router, ServerConfig.@Nullable Tls tls, String what, ConnectionDeadlines deadlines) {
    Counter opened =
        Counter.builder("spotpack.http.connections.opened")
            .description("TCP connections accepted, by port")
            .tag("port", what)
            .register(registry);
    return vertx
        .createHttpServer(options(tls))
        .connectionHandler(
            connection -> {
              opened.increment();
              deadlines.onConnection(connection);
            })
        .requestHandler(deadlines.wrap(router))
        // malformed HTTP from a client (a bad chunk, a reset): one line, no stack trace
        .exceptionHandler(
            t ->
                LOG.debug(
                    "{} port: dropped a client connection: {}",
                    what,
                    t.toString().replace('\n', ' ')));
  }

  private static HttpServerOptions options(ServerConfig.@Nullable Tls tls) {
    HttpServerOptions o =
        new HttpServerOptions()
            .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setHttp2ClearTextEnabled(false)
            .setUseAlpn(false);
    if (tls == null) {
      return o;
    }
    // HTTP/2 where the client offers it: kube-scheduler's Go client then sends every call over one
    // connection. Over HTTP/1.1 it keeps at most two idle connections per host (Go's
    // DefaultMaxIdleConnsPerHost), so it opened a connection, and a TLS handshake, for about every
    // third pod (docs/benchmarks-log.md, stop 30). ConnectionDeadlines keeps its deadlines per
    // stream.
    o.setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(tls.certFile().toString())
                .setKeyPath(tls.keyFile().toString()));
    if (tls.clientCaFile() != null) {
      o.setClientAuth(ClientAuth.REQUIRED)
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCaFile().toString()));
    }
    return o;
  }
}
