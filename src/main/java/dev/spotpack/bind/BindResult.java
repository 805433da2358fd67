package dev.spotpack.bind;

/** The outcome of a bind: bound, or failed with a message for kube-scheduler's log and events. */
public sealed interface BindResult {
  record Bound() implements BindResult {}

  record Failed(String message) implements BindResult {}

  static BindResult bound() {
    return new Bound();
  }

  static BindResult failed(String message) {
    return new Failed(message);
  }
}
