package dev.spotpack.bind;

import java.util.concurrent.CompletionStage;

/**
 * Places a pod on a node. Implementations must record the placement so that the next decision sees
 * it, and must never complete exceptionally: failures are {@link BindResult.Failed}.
 */
@FunctionalInterface
public interface Binder {
  CompletionStage<BindResult> bind(BindRequest request);
}
