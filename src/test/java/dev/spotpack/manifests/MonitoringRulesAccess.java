package dev.spotpack.manifests;

import java.io.IOException;
import java.util.List;

/** The monitoring expressions, for the e2e test that checks their metric names live. */
public final class MonitoringRulesAccess {
  private MonitoringRulesAccess() {}

  public static List<String> allExprs() throws IOException {
    return MonitoringRulesTest.allExprs();
  }
}
