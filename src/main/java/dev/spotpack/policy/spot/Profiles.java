package dev.spotpack.policy.spot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The profiles a pod may name, and the one it gets when it names none.
 *
 * <p>Immutable.
 */
public record Profiles(String defaultProfile, Map<String, Profile> byName) {

  /**
   * The built-in levels. ON_DEMAND_ONLY keeps f and p at 0.25 only so that its caps are well
   * defined; with s = 0 no executor reaches a spot node anyway.
   */
  public static final Profiles DEFAULT =
      of(
          Profile.BALANCED,
          List.of(
              Profile.of(Profile.COST_OVER_RELIABILITY, "0.5", "1.0", "1.0"),
              Profile.of(Profile.BALANCED, "0.25", "1.0", "0.5"),
              Profile.of(Profile.RELIABILITY_OVER_COST, "0.1", "0.5", "0.25"),
              Profile.of(Profile.ON_DEMAND_ONLY, "0.25", "0", "0.25")));

  public Profiles {
    byName = Map.copyOf(byName);
    if (!byName.containsKey(defaultProfile)) {
      throw new IllegalArgumentException("default profile " + defaultProfile + " is not defined");
    }
  }

  public static Profiles of(String defaultProfile, List<Profile> profiles) {
    Map<String, Profile> byName = new LinkedHashMap<>();
    profiles.forEach(p -> byName.put(p.name(), p));
    return new Profiles(defaultProfile, byName);
  }

  public Optional<Profile> named(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Profile defaults() {
    return byName.get(defaultProfile);
  }

  /** Names in a stable order, for messages. */
  public List<String> names() {
    return byName.keySet().stream().sorted().toList();
  }
}
