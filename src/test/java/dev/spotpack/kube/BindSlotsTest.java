package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slots for binding POSTs: how many run, who waits, who declines, who is refused. */
class BindSlotsTest {
  private final List<String> started = new ArrayList<>();

  private BindSlots.Start bind(String name) {
    return () -> started.add(name);
  }

  @Test
  void twoSlotsRunTwoBindsAndQueueTheRestInArrivalOrder() {
    BindSlots slots = new BindSlots(2, 10);
    for (String name : List.of("a", "b", "c", "d")) {
      assertThat(slots.submit(bind(name))).isTrue();
    }
    assertThat(started).containsExactly("a", "b");
    assertThat(slots.running()).isEqualTo(2);
    assertThat(slots.waiting()).isEqualTo(2);

    slots.release(); // one of a, b ends: c takes its slot
    assertThat(started).containsExactly("a", "b", "c");
    slots.release();
    slots.release();
    slots.release(); // 4 started, 4 released
    assertThat(started).containsExactly("a", "b", "c", "d");
    assertThat(slots.running()).isZero();
    assertThat(slots.waiting()).isZero();
  }

  @Test
  void aBindThatDeclinesItsTurnPassesTheSlotToTheNext() {
    BindSlots slots = new BindSlots(1, 10);
    slots.submit(bind("a"));
    slots.submit(() -> false); // answered as timed out while it waited
    slots.submit(() -> false);
    slots.submit(bind("d"));

    slots.release(); // a ends: both decliners pass, d runs
    assertThat(started).containsExactly("a", "d");
    assertThat(slots.running()).isEqualTo(1);
    assertThat(slots.waiting()).isZero();
  }

  @Test
  void aFreeSlotDeclinedAtOnceIsFreeAgain() {
    BindSlots slots = new BindSlots(1, 10);
    slots.submit(() -> false);
    assertThat(slots.running()).isZero();
    slots.submit(bind("b"));
    assertThat(started).containsExactly("b");
  }

  @Test
  void whenSlotsAndQueueAreFullABindIsRefusedAndNothingIsQueued() {
    BindSlots slots = new BindSlots(1, 2); // 1 running + 2 waiting
    assertThat(slots.submit(bind("a"))).isTrue();
    assertThat(slots.submit(bind("b"))).isTrue();
    assertThat(slots.submit(bind("c"))).isTrue();
    assertThat(slots.submit(bind("d"))).isFalse();
    assertThat(slots.waiting()).isEqualTo(2);

    slots.release();
    slots.release();
    slots.release();
    assertThat(started).containsExactly("a", "b", "c");
  }
}
