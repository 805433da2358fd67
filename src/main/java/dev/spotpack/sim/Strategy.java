package dev.spotpack.sim;

/** The scheduling strategies compared, under the names the output uses. */
public enum Strategy {
  /** The default scheduler's resource scoring: spreads pods. */
  LEAST_ALLOCATED("LeastAllocated"),
  /** Bin-packing without caps. */
  MOST_ALLOCATED("MostAllocated"),
  /** Bin-packing with spotpack's filter and prioritize. */
  SPOTPACK("spotpack");

  private final String label;

  Strategy(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
