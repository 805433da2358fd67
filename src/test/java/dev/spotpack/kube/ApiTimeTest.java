package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiTimeTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "null",
      value = {
        // the API server's form, read by hand
        "2026-12-02T17:18:07Z, 2026-12-02T17:18:07Z",
        "1970-01-01T00:00:00Z, 1970-01-01T00:00:00Z",
        "2024-02-29T23:59:59Z, 2024-02-29T23:59:59Z",
        // other RFC 3339 forms, left to Instant.parse
        "2026-12-02T17:18:07.123456Z, 2026-12-02T17:18:07.123456Z",
        "2026-12-02T17:18:07+02:00, 2026-12-02T15:18:07Z",
        // 24:00:00 is out of range for the hand reader; Instant.parse reads it as the next midnight
        "2026-12-02T24:00:00Z, 2026-12-03T00:00:00Z",
        // not a time, or a day that does not exist: null, as Instant.parse refuses them
        "2026-02-30T10:00:00Z, null",
        "2026-13-01T10:00:00Z, null",
        "2026-1a-02T17:18:07Z, null",
        "2026-12-02 17:18:07Z, null",
        "'', null",
        "yesterday, null",
      })
  void readsWhatInstantParseReads(String time, String expected) {
    assertThat(ApiTime.parse(time)).isEqualTo(expected == null ? null : Instant.parse(expected));
  }

  @Test
  void absentIsNull() {
    assertThat(ApiTime.parse(null)).isNull();
  }

  @Test
  void agreesWithInstantParseOnTenThousandRandomSeconds() {
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      // 0001-01-01 to 9999-12-31, whole seconds, as the API server writes them
      long second = -62_135_596_800L + (long) (random.nextDouble() * 315_537_897_599L);
      String time = Instant.ofEpochSecond(second).toString();
      assertThat(ApiTime.parse(time)).as(time).isEqualTo(Instant.parse(time));
    }
  }

  @Test
  void aLeapSecondIsLeftToInstantParse() {
    String leap = "2016-12-31T23:59:60Z";
    Instant expected;
    try {
      expected = Instant.parse(leap);
    } catch (DateTimeParseException e) {
      expected = null;
    }
    assertThat(ApiTime.parse(leap)).isEqualTo(expected);
  }
}
