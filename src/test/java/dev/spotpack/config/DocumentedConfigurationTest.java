package dev.spotpack.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md says "every key is optional; the defaults are shown": its YAML block, read
 * by the loader that reads operators' files, must be exactly the defaults, and the keys it shows
 * commented out (TLS, the webhook) must be keys the loader accepts. A default changed in code but
 * not in the page, or a key renamed in one of them, fails here.
 */
class DocumentedConfigurationTest {
  private static final Path PAGE = Path.of("docs/configuration.md");

  /** A commented-out key: {@code " # tls:"} or {@code " # certFile: /etc/... # why"}. */
  private static final Pattern COMMENTED_KEY = Pattern.compile("^(\\s*)# (\\s*[A-Za-z]+:.*)$");

  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void theBlockShownIsTheDefaults() throws IOException {
    assertThat(loader.parse(block(), PAGE.toString())).isEqualTo(SpotpackConfig.DEFAULT);
  }

  @Test
  void theKeysShownCommentedOutAreAcceptedWhenUncommented() throws IOException {
    String uncommented =
        block()
            .lines()
            .map(
                line -> {
                  Matcher m = COMMENTED_KEY.matcher(line);
                  return m.matches() ? m.group(1) + m.group(2) : line;
                })
            .collect(Collectors.joining("\n"));
    assertThat(uncommented).isNotEqualTo(block()); // the page still shows some

    ServerConfig server = loader.parse(uncommented, PAGE + ", uncommented").server();

    assertThat(server.tls()).isNotNull();
    assertThat(server.tls().certFile()).isEqualTo(Path.of("/etc/spotpack/tls.crt"));
    assertThat(server.tls().keyFile()).isEqualTo(Path.of("/etc/spotpack/tls.key"));
    assertThat(server.tls().clientCaFile()).isEqualTo(Path.of("/etc/spotpack/ca.crt"));
    assertThat(server.webhook()).isNotNull();
    assertThat(server.webhook().port()).isEqualTo(8443);
    assertThat(server.webhook().tls().certFile())
        .isEqualTo(Path.of("/etc/spotpack/webhook-tls/tls.crt"));
    assertThat(server.webhook().placementGate()).isTrue();
  }

  /** The page's first YAML block. */
  private static String block() throws IOException {
    String page = Files.readString(PAGE);
    int open = page.indexOf("```yaml\n");
    assertThat(open).as("a ```yaml block in " + PAGE).isNotNegative();
    int close = page.indexOf("\n```", open);
    return page.substring(open + "```yaml\n".length(), close + 1);
  }
}
