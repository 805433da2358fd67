package dev.spotpack.extender;

import dev.spotpack.bind.BindRequest;
import dev.spotpack.bind.BindResult;
import dev.spotpack.bind.Binder;
import dev.spotpack.protocol.ExtenderBindingArgs;
import dev.spotpack.protocol.ExtenderBindingResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The bind verb: hands the placement to the {@link Binder}, which records it at once so that the
 * next filter call counts it.
 *
 * <p>Thread-safe.
 */
public final class BindVerb {
  private final Binder binder;
  private final ClusterSource cluster;

  public BindVerb(Binder binder, ClusterSource cluster) {
    this.binder = binder;
    this.cluster = cluster;
  }

  public record Answer(ExtenderBindingResult result, Outcome outcome) {}

  public CompletionStage<Answer> bind(ExtenderBindingArgs args) {
    if (!cluster.ready()) {
      return CompletableFuture.completedFuture(
          new Answer(new ExtenderBindingResult(FilterVerb.NOT_READY), Outcome.NOT_READY));
    }
    BindRequest request =
        new BindRequest(args.podNamespace(), args.podName(), args.podUid(), args.node());
    return binder
        .bind(request)
        .thenApply(
            result -> {
              if (result instanceof BindResult.Failed failed) {
                return new Answer(new ExtenderBindingResult(failed.message()), Outcome.BIND_FAILED);
              }
              return new Answer(ExtenderBindingResult.BOUND, Outcome.OK);
            });
  }
}
