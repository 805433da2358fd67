package dev.spotpack.policy;

/** Why spotpack rejected a node: a closed vocabulary for messages, metrics and logs. */
public enum Rule {
  /** A pod annotation could not be read; the pod goes nowhere until it is fixed. */
  INVALID_ANNOTATION("invalid_annotation"),
  /** spotpack has never seen the node, so it cannot tell whether it is spot. */
  UNKNOWN_NODE("unknown_node"),
  /** Drivers are kept off spot nodes. */
  DRIVER_ON_SPOT("driver_on_spot"),
  /** The job may have no executor on spot at all (max-spot-share 0). */
  NO_SPOT("no_spot"),
  /** The job already has its share of executors on spot nodes. */
  SPOT_SHARE("spot_share"),
  /** The job already has its per-node cap of executors on this spot node. */
  PER_NODE_CAP("per_node_cap"),
  /** The job already has its per-pool cap of executors on the spot nodes of this node's pool. */
  PER_POOL_CAP("per_pool_cap");

  private final String label;

  Rule(String label) {
    this.label = label;
  }

  /** The metric label value. */
  public String label() {
    return label;
  }
}
