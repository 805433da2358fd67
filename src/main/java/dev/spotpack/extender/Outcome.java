package dev.spotpack.extender;

/** How a verb call ended: the closed vocabulary of metric labels and log fields. */
public enum Outcome {
  /** Filter: at least one node passes. Prioritize: scores returned. Bind: bound. */
  OK("ok"),
  /** Filter: every node was rejected; the pod stays pending with the reasons in its events. */
  NO_FIT("no_fit"),
  /** The request body was not what kube-scheduler sends. */
  BAD_REQUEST("bad_request"),
  /** The cluster state is not synced yet; nothing was decided. */
  NOT_READY("not_ready"),
  /** Bind failed (unknown pod, conflict, API error). */
  BIND_FAILED("bind_failed"),
  /** A bug caught at the verb boundary. */
  INTERNAL("internal");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
