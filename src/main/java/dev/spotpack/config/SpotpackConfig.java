package dev.spotpack.config;

import dev.spotpack.policy.PolicyConfig;

/**
 * The whole configuration: the policy's settings and the server's.
 *
 * <p>Immutable.
 */
public record SpotpackConfig(PolicyConfig policy, ServerConfig server) {
  public static final SpotpackConfig DEFAULT = new SpotpackConfig(PolicyConfig.DEFAULT, ServerConfig.DEFAULT);
}
