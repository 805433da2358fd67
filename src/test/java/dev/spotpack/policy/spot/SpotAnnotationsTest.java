package dev.spotpack.policy.spot;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpotAnnotationsTest {
  private final SpotAnnotations annotations = new SpotAnnotations(Profiles.DEFAULT);

  record Valid(String name, Map<String, String> annotations, SpotLimits want) {
    @Override
    public String toString() {
      return name;
    }
  }

  static SpotLimits limits(String profile, String f, String s, String p, OptionalInt expected) {
    return new SpotLimits(
        profile, new BigDecimal(f), new BigDecimal(s), new BigDecimal(p), expected);
  }

  static Stream<Valid> valid() {
    return Stream.of(
        new Valid(
            "no annotations: default profile BALANCED",
            Map.of(),
            limits("BALANCED", "0.25", "1.0", "0.5", OptionalInt.empty())),
        new Valid(
            "profile COST_OVER_RELIABILITY",
            Map.of("spotpack.dev/profile", "COST_OVER_RELIABILITY"),
            limits("COST_OVER_RELIABILITY", "0.5", "1.0", "1.0", OptionalInt.empty())),
        new Valid(
            "profile RELIABILITY_OVER_COST",
            Map.of("spotpack.dev/profile", "RELIABILITY_OVER_COST"),
            limits("RELIABILITY_OVER_COST", "0.1", "0.5", "0.25", OptionalInt.empty())),
        new Valid(
            "profile ON_DEMAND_ONLY",
            Map.of("spotpack.dev/profile", "ON_DEMAND_ONLY"),
            limits("ON_DEMAND_ONLY", "0.25", "0", "0.25", OptionalInt.empty())),
        new Valid(
            "fraction overrides the profile's f only",
            Map.of(
                "spotpack.dev/profile",
                "RELIABILITY_OVER_COST",
                "spotpack.dev/max-spot-fraction-per-node",
                "0.2"),
            limits("RELIABILITY_OVER_COST", "0.2", "0.5", "0.25", OptionalInt.empty())),
        new Valid(
            "share overrides the default profile's s only",
            Map.of("spotpack.dev/max-spot-share", "0.5"),
            limits("BALANCED", "0.25", "0.5", "0.5", OptionalInt.empty())),
        new Valid(
            "pool fraction overrides the profile's p only",
            Map.of(
                "spotpack.dev/profile",
                "COST_OVER_RELIABILITY",
                "spotpack.dev/max-spot-fraction-per-pool",
                "0.3"),
            limits("COST_OVER_RELIABILITY", "0.5", "1.0", "0.3", OptionalInt.empty())),
        new Valid(
            "expected executors",
            Map.of("spotpack.dev/expected-executors", "40"),
            limits("BALANCED", "0.25", "1.0", "0.5", OptionalInt.of(40))),
        new Valid(
            "bounds 0 and 1 are allowed",
            Map.of(
                "spotpack.dev/max-spot-fraction-per-node", "1", "spotpack.dev/max-spot-share", "0"),
            limits("BALANCED", "1", "0", "0.5", OptionalInt.empty())),
        new Valid(
            "unrelated annotations are ignored",
            Map.of("example.com/x", "y"),
            limits("BALANCED", "0.25", "1.0", "0.5", OptionalInt.empty())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void readsValidAnnotations(Valid c) {
    assertThat(annotations.read(c.annotations())).isEqualTo(new SpotAnnotations.Valid(c.want()));
  }

  record Invalid(String name, Map<String, String> annotations, String wantMessage) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Invalid> invalid() {
    return Stream.of(
        new Invalid(
            "share is not a number",
            Map.of("spotpack.dev/max-spot-share", "abc"),
            "spotpack: annotation spotpack.dev/max-spot-share=\"abc\" is invalid: expected a"
                + " decimal number from 0 to 1, such as 0.25"),
        new Invalid(
            "fraction above 1",
            Map.of("spotpack.dev/max-spot-fraction-per-node", "1.5"),
            "spotpack: annotation spotpack.dev/max-spot-fraction-per-node=\"1.5\" is invalid:"
                + " expected a decimal number from 0 to 1, such as 0.25"),
        new Invalid(
            "negative fraction",
            Map.of("spotpack.dev/max-spot-fraction-per-node", "-0.1"),
            "spotpack: annotation spotpack.dev/max-spot-fraction-per-node=\"-0.1\" is invalid:"
                + " expected a decimal number from 0 to 1, such as 0.25"),
        new Invalid(
            "pool fraction above 1",
            Map.of("spotpack.dev/max-spot-fraction-per-pool", "2"),
            "spotpack: annotation spotpack.dev/max-spot-fraction-per-pool=\"2\" is invalid:"
                + " expected a decimal number from 0 to 1, such as 0.25"),
        new Invalid(
            "percent sign is not a decimal",
            Map.of("spotpack.dev/max-spot-share", "50%"),
            "spotpack: annotation spotpack.dev/max-spot-share=\"50%\" is invalid: expected a"
                + " decimal number from 0 to 1, such as 0.25"),
        new Invalid(
            "unknown profile",
            Map.of("spotpack.dev/profile", "CHEAP"),
            "spotpack: annotation spotpack.dev/profile=\"CHEAP\" is invalid: expected one of"
                + " BALANCED, COST_OVER_RELIABILITY, ON_DEMAND_ONLY, RELIABILITY_OVER_COST"),
        new Invalid(
            "negative count",
            Map.of("spotpack.dev/expected-executors", "-3"),
            "spotpack: annotation spotpack.dev/expected-executors=\"-3\" is invalid: expected a"
                + " whole number from 0 to 1000000"),
        new Invalid(
            "fractional count",
            Map.of("spotpack.dev/expected-executors", "2.5"),
            "spotpack: annotation spotpack.dev/expected-executors=\"2.5\" is invalid: expected a"
                + " whole number from 0 to 1000000"),
        new Invalid(
            "huge count",
            Map.of("spotpack.dev/expected-executors", "99999999999999999999"),
            "spotpack: annotation spotpack.dev/expected-executors=\"99999999999999999999\" is"
                + " invalid: expected a whole number from 0 to 1000000"),
        new Invalid(
            "two problems are both named",
            new TreeMap<>(Map.of("spotpack.dev/profile", "X", "spotpack.dev/max-spot-share", "2")),
            "spotpack: annotation spotpack.dev/profile=\"X\" is invalid: expected one of BALANCED,"
                + " COST_OVER_RELIABILITY, ON_DEMAND_ONLY, RELIABILITY_OVER_COST; annotation"
                + " spotpack.dev/max-spot-share=\"2\" is invalid: expected a decimal number from 0"
                + " to 1, such as 0.25"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void namesEveryBadAnnotation(Invalid c) {
    assertThat(annotations.read(c.annotations()))
        .isEqualTo(new SpotAnnotations.Invalid(c.wantMessage()));
  }
}
