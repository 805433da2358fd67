package dev.spotpack.policy.spot;

import dev.spotpack.policy.ClientText;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads a pod's {@code spotpack.dev/*} annotations into {@link SpotLimits}. A value that cannot be
 * read is never replaced by a default: the pod gets a message naming the annotation, its value and
 * what is allowed, and goes nowhere until it is fixed.
 *
 * <p>Immutable; safe to share across threads.
 */
public final class SpotAnnotations {
  public static final String PREFIX = "spotpack.dev/";
  public static final String PROFILE = PREFIX + "profile";
  public static final String MAX_SPOT_FRACTION_PER_NODE = PREFIX + "max-spot-fraction-per-node";
  public static final String MAX_SPOT_SHARE = PREFIX + "max-spot-share";
  public static final String MAX_SPOT_FRACTION_PER_POOL = PREFIX + "max-spot-fraction-per-pool";
  public static final String EXPECTED_EXECUTORS = PREFIX + "expected-executors";

  /**
   * The longest fraction read, and its most decimal places: 0.000000000000000001 is far below any
   * cap.
   */
  static final int MAX_DECIMAL_LENGTH = 32;

  static final int MAX_DECIMAL_SCALE = 18;

  /** Larger declared sizes are almost certainly typos; Spark jobs do not reach this. */
  public static final int MAX_EXPECTED_EXECUTORS = 1_000_000;

  /** The outcome of reading the annotations. */
  public sealed interface Result {}

  public record Valid(SpotLimits limits) implements Result {}

  /** Every problem found, joined into one message for {@code kubectl describe}. */
  public record Invalid(String message) implements Result {}

  private final Profiles profiles;

  public SpotAnnotations(Profiles profiles) {
    this.profiles = profiles;
  }

  /** The limits of a pod without annotations: the default profile's. */
  public SpotLimits defaults() {
    return ((Valid) read(Map.of())).limits(); // no annotation, nothing to be invalid
  }

  public Result read(Map<String, String> annotations) {
    List<String> problems = new ArrayList<>();

    Profile profile = profiles.defaults();
    String profileName = annotations.get(PROFILE);
    if (profileName != null) {
      var named = profiles.named(profileName.trim());
      if (named.isPresent()) {
        profile = named.get();
      } else {
        problems.add(
            describe(PROFILE, profileName, "one of " + String.join(", ", profiles.names())));
      }
    }

    BigDecimal fraction = readFraction(annotations, MAX_SPOT_FRACTION_PER_NODE, problems);
    BigDecimal share = readFraction(annotations, MAX_SPOT_SHARE, problems);
    BigDecimal perPool = readFraction(annotations, MAX_SPOT_FRACTION_PER_POOL, problems);
    OptionalInt expected = readCount(annotations, problems);

    if (!problems.isEmpty()) {
      return new Invalid("spotpack: " + String.join("; ", problems));
    }
    return new Valid(
        new SpotLimits(
            profile.name(),
            fraction != null ? fraction : profile.maxSpotFractionPerNode(),
            share != null ? share : profile.maxSpotShare(),
            perPool != null ? perPool : profile.maxSpotFractionPerPool(),
            expected));
  }

  private static BigDecimal readFraction(
      Map<String, String> annotations, String key, List<String> problems) {
    String raw = annotations.get(key);
    if (raw == null) {
      return null;
    }
    String allowed = "a decimal number from 0 to 1, such as 0.25";
    String trimmed = raw.trim();
    // bounded before any arithmetic: 1e-999999999 is a short string whose comparison with 1 would
    // need a billion-digit number, and its plain form is a billion characters long
    if (trimmed.length() > MAX_DECIMAL_LENGTH) {
      problems.add(describe(key, raw, allowed));
      return null;
    }
    BigDecimal value;
    try {
      value = new BigDecimal(trimmed);
    } catch (NumberFormatException e) {
      problems.add(describe(key, raw, allowed));
      return null;
    }
    if (value.scale() > MAX_DECIMAL_SCALE
        || value.scale() < -1
        || value.signum() < 0
        || value.compareTo(BigDecimal.ONE) > 0) {
      problems.add(describe(key, raw, allowed));
      return null;
    }
    return value;
  }

  private static OptionalInt readCount(Map<String, String> annotations, List<String> problems) {
    String raw = annotations.get(EXPECTED_EXECUTORS);
    if (raw == null) {
      return OptionalInt.empty();
    }
    String allowed = "a whole number from 0 to " + MAX_EXPECTED_EXECUTORS;
    try {
      long value = Long.parseLong(raw.trim());
      if (value >= 0 && value <= MAX_EXPECTED_EXECUTORS) {
        return OptionalInt.of((int) value);
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    problems.add(describe(EXPECTED_EXECUTORS, raw, allowed));
    return OptionalInt.empty();
  }

  private static String describe(String key, String value, String allowed) {
    return "annotation "
        + key
        + "=\""
        + ClientText.quote(value, 40)
        + "\" is invalid: expected "
        + allowed;
  }
}
