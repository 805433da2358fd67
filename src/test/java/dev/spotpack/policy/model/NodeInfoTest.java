package dev.spotpack.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeInfoTest {
  /** A value derived for one owner, counting how often each owner computed one. */
  private record Count(Owner owner, int n) implements NodeInfo.Derived {}

  private static final class Owner {
    int computed;

    Count compute(NodeInfo node) {
      return new Count(this, ++computed);
    }
  }

  private final NodeInfo node = new NodeInfo("spot-1", Map.of("a", "b"), Resources.NONE);

  @Test
  void derivesOncePerOwnerAndAgainWhenAnotherOwnerTookTheSlot() {
    Owner first = new Owner();
    Owner second = new Owner();

    Count a = node.derived(first, Owner::compute);
    Count again = node.derived(first, Owner::compute);
    node.derived(second, Owner::compute); // replaces the first's value
    Count back = node.derived(first, Owner::compute);

    assertThat(again).isSameAs(a);
    // computed: first 1 (a), again none, second 1, first back 2
    assertThat(back.n()).isEqualTo(2);
    assertThat(second.computed).isEqualTo(1);
  }

  @Test
  void refusesAValueThatDoesNotNameItsOwner() {
    Owner owner = new Owner();
    Owner other = new Owner();

    assertThatThrownBy(() -> node.derived(owner, (o, n) -> new Count(other, 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("owner");
  }
}
