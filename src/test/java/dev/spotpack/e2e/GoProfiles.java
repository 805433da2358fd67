package dev.spotpack.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * CPU profiles of kube-scheduler and kube-apiserver over a few seconds of a round's binding, from
 * their own profilers ({@code /debug/pprof/profile}, on by default in both), for {@code go tool
 * pprof -top -cum FILE}. Their CPU per pod in the loop's output is a process total; these say how
 * much of it is the extender's calls, the GC or the Go scheduler (docs/benchmarks-log.md, "Status
 * against issue 15").
 *
 * <p>The profiles start once a tenth of the round's pods are bound, so that they fall inside the
 * binding, and the line returned gives the pods bound meanwhile, to divide by.
 */
final class GoProfiles {
  private GoProfiles() {}

  /**
   * Starts both profiles on a thread of its own; the stage completes with one line to print.
   *
   * @param bound how many of the round's pods are bound so far
   */
  static CompletableFuture<String> capture(
      LocalControlPlane.ApiServer api,
      int schedulerPort,
      Path dir,
      String round,
      IntSupplier bound,
      int pods,
      Duration length) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            while (bound.getAsInt() < pods / 10) {
              Thread.sleep(20);
            }
            int before = bound.getAsInt();
            Path scheduler = dir.resolve(round + "-kube-scheduler.pprof.gz");
            Path apiServer = dir.resolve(round + "-kube-apiserver.pprof.gz");
            CompletableFuture<HttpResponse<Path>> s =
                profile(api, schedulerPort, length, scheduler);
            CompletableFuture<HttpResponse<Path>> a =
                profile(api, api.apiPort(), length, apiServer);
            int schedulerStatus = s.join().statusCode();
            int apiServerStatus = a.join().statusCode();
            int after = bound.getAsInt();
            if (schedulerStatus != 200 || apiServerStatus != 200) {
              return String.format(
                  Locale.ROOT,
                  "%s: Go CPU profiles failed: kube-scheduler %d, kube-apiserver %d (see %s, %s)",
                  round,
                  schedulerStatus,
                  apiServerStatus,
                  scheduler,
                  apiServer);
            }
            return String.format(
                Locale.ROOT,
                "%s: Go CPU profiles over %d s, %d pods bound meanwhile%s: %s %s",
                round,
                length.toSeconds(),
                after - before,
                after == pods
                    ? " (the round ended before they did: part of them is not binding)"
                    : "",
                scheduler,
                apiServer);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return round + ": Go CPU profiles interrupted";
          }
        });
  }

  private static CompletableFuture<HttpResponse<Path>> profile(
      LocalControlPlane.ApiServer api, int port, Duration length, Path file) {
    HttpClient insecure = api.insecure();
    return insecure.sendAsync(
        HttpRequest.newBuilder(
                URI.create(
                    "https://127.0.0.1:"
                        + port
                        + "/debug/pprof/profile?seconds="
                        + length.toSeconds()))
            .header("Authorization", "Bearer " + api.token())
            .timeout(length.plusSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofFile(file));
  }
}
