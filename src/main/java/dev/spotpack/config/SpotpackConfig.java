package dev.spotpack.config;

import dev.spotpack.policy.PolicyConfig;

/**
 * The whole configuration: the policy's settings, the server's and the live cluster's.
 *
 * <p>Immutable.
 */
public record SpotpackConfig(PolicyConfig policy, ServerConfig server, ClusterConfig cluster) {
  public static final SpotpackConfig DEFAULT =
      new SpotpackConfig(PolicyConfig.DEFAULT, ServerConfig.DEFAULT, ClusterConfig.DEFAULT);
}
