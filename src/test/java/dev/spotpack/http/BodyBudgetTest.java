package dev.spotpack.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {
  @Test
  void admitsWhatFitsAndAlwaysOneRequest() {
    BodyBudget budget = new BodyBudget(100, 1000, new SimpleMeterRegistry());
    assertThat(budget.tryAcquire(500)).as("alone: admitted although over the budget").isTrue();
    assertThat(budget.tryAcquire(1)).as("500 + 1 > 100").isFalse();
    budget.release(500);
    assertThat(budget.tryAcquire(60)).as("0 + 60 <= 100").isTrue();
    assertThat(budget.tryAcquire(40)).as("60 + 40 <= 100").isTrue();
    assertThat(budget.tryAcquire(1)).as("100 + 1 > 100").isFalse();
    budget.release(60);
    budget.release(40);
    assertThat(budget.inFlight()).isZero();
  }

  @Test
  void theDefaultIsAnEighthOfTheHeap() {
    // manifests/: 70% of a 1,536 MiB limit = 1,075 MiB of heap -> 134 MiB of bodies in flight
    assertThat(BodyBudget.defaultBudget(1075L << 20)).isEqualTo((1075L << 20) / 8);
  }
}
