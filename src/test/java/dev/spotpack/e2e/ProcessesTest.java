package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The local control plane's port picking. */
class ProcessesTest {

  @Test
  void portsPickedTogetherAreDistinct() throws Exception {
    int[] ports = Processes.freePorts(64);

    assertThat(ports).hasSize(64);
    assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(64);
    assertThat(Arrays.stream(ports).allMatch(p -> p > 0 && p <= 65535)).isTrue();
  }
}
