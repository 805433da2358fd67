package dev.spotpack.policy.spot;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a pod's labels name its job and its role. Spark sets {@code spark-app-selector} (the
 * application id) and {@code spark-role} on drivers and executors, and {@code
 * spark-exec-inactive=true} on finished executors it keeps around.
 *
 * @param jobLabels label keys that carry the job id, tried in order; the first present wins
 * @param roleLabel label key that carries the role
 * @param driverRole role value of a driver
 * @param executorRole role value of an executor
 * @param inactiveLabel label key that, with value {@code true}, marks an executor Spark no longer
 *     counts
 *     <p>Immutable.
 */
public record PodRoles(
    List<String> jobLabels,
    String roleLabel,
    String driverRole,
    String executorRole,
    String inactiveLabel) {

  public static final PodRoles SPARK =
      new PodRoles(
          List.of("spark-app-selector"), "spark-role", "driver", "executor", "spark-exec-inactive");

  public PodRoles {
    jobLabels = List.copyOf(jobLabels);
  }

  /** Every label key these roles read: all that spotpack needs to keep of a pod's labels. */
  public Set<String> labelKeys() {
    Set<String> keys = new HashSet<>(jobLabels);
    keys.add(roleLabel);
    keys.add(inactiveLabel);
    return Set.copyOf(keys);
  }

  public Optional<String> jobOf(Map<String, String> labels) {
    for (String key : jobLabels) {
      String value = labels.get(key);
      if (value != null && !value.isEmpty()) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /** The key of the label {@link #jobOf} reads the job id from; call only when it found one. */
  public String jobLabelOf(Map<String, String> labels) {
    for (String key : jobLabels) {
      String value = labels.get(key);
      if (value != null && !value.isEmpty()) {
        return key;
      }
    }
    throw new IllegalArgumentException("no job label among " + jobLabels);
  }

  public boolean isDriver(Map<String, String> labels) {
    return driverRole.equals(labels.get(roleLabel));
  }

  public boolean isExecutor(Map<String, String> labels) {
    return executorRole.equals(labels.get(roleLabel));
  }

  /** An executor that counts for its job: labelled executor and not marked inactive. */
  public boolean isActiveExecutor(Map<String, String> labels) {
    return isExecutor(labels) && !"true".equalsIgnoreCase(labels.get(inactiveLabel));
  }
}
