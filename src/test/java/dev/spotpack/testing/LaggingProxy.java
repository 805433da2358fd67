package dev.spotpack.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that delivers what the upstream server sends {@code lag} late, in order,
 * and what the client sends at once. Put between spotpack and an API server, it makes every list
 * and watch event arrive late: the informer lag a slow or loaded machine has, on demand, so that a
 * test can show it waits for the state it checks instead of racing it. TLS passes through
 * untouched.
 */
public final class LaggingProxy implements AutoCloseable {
  private final InetSocketAddress upstream;
  private final long lagNanos;
  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicLong sequence = new AtomicLong();

  public LaggingProxy(String upstreamHost, int upstreamPort, Duration lag) throws IOException {
    this.upstream = new InetSocketAddress(upstreamHost, upstreamPort);
    this.lagNanos = lag.toNanos();
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("lagging-proxy-accept", this::accept);
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(upstream.getAddress(), upstream.getPort());
        sockets.add(client);
        sockets.add(server);
        daemon("lagging-proxy-up", () -> pump(client, server));
        DelayQueue<Chunk> late = new DelayQueue<>();
        daemon("lagging-proxy-read", () -> readInto(server, late));
        daemon("lagging-proxy-deliver", () -> deliver(late, client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the other side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void readInto(Socket from, DelayQueue<Chunk> late) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        late.put(
            new Chunk(
                System.nanoTime() + lagNanos,
                sequence.incrementAndGet(),
                Arrays.copyOf(buffer, n)));
      }
    } catch (IOException e) {
      // closed
    }
    late.put(new Chunk(System.nanoTime() + lagNanos, sequence.incrementAndGet(), null));
  }

  private static void deliver(DelayQueue<Chunk> late, Socket to) {
    try (OutputStream out = to.getOutputStream()) {
      while (true) {
        Chunk chunk = late.take();
        if (chunk.bytes == null) {
          return;
        }
        out.write(chunk.bytes);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // closed, or the test is over
    } finally {
      closeQuietly(to);
    }
  }

  /**
   * Closes every connection made so far and keeps listening: the client's watches break and it
   * reconnects, from the last resource version it saw, through the proxy.
   */
  public void cut() {
    List<Socket> open = List.copyOf(sockets);
    sockets.removeAll(open);
    open.forEach(LaggingProxy::closeQuietly);
  }

  @Override
  public void close() {
    closeQuietly(listener);
    sockets.forEach(LaggingProxy::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // nothing to do
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  /** Bytes due at {@code dueNanos}; equal due times keep their arrival order. */
  private record Chunk(long dueNanos, long sequence, byte[] bytes) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Chunk o = (Chunk) other;
      int byDue = Long.compare(dueNanos, o.dueNanos);
      return byDue != 0 ? byDue : Long.compare(sequence, o.sequence);
    }
  }
}
