package io.dataflow.flink.transform.time;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.ZoneId;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/** Go's layouts, checked against what Go's time.Format prints for the same instants. */
class GoTimeLayoutTest {

    private static final ZonedDateTime UTC = ZonedDateTime.parse("2026-11-25T09:05:03.120450Z");
    private static final ZonedDateTime NY = ZonedDateTime.of(2006, 1, 2, 15, 4, 5, 0, ZoneId.of("America/New_York"));
    private static final ZonedDateTime WHOLE = ZonedDateTime.parse("2026-11-25T09:05:03Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "RFC3339              | 2026-11-25T09:05:03Z",
            "RFC3339Nano          | 2026-11-25T09:05:03.12045Z",
            "RFC1123              | Wed, 25 Nov 2026 09:05:03 UTC",
            "RFC1123Z             | Wed, 25 Nov 2026 09:05:03 +0000",
            "RFC822               | 25 Nov 26 09:05 UTC",
            "ANSIC                | Wed Nov 25 09:05:03 2026",
            "Kitchen              | 9:05AM",
            "StampMilli           | Nov 25 09:05:03.120",
            "StampMicro           | Nov 25 09:05:03.120450",
            "DateTime             | 2026-11-25 09:05:03",
            "2006-01-02T15:04:05.000Z07:00 | 2026-11-25T09:05:03.120Z",
            "02/01/06 3:4:5 pm    | 25/11/26 9:5:3 am",
            "Monday January 2     | Wednesday November 25",
            "2006.002 __2         | 2026.329 329",
            "15h04m,999           | 09h05m,12",
            "-07:00 -0700 -07 Z0700 | +00:00 +0000 +00 Z",
            "Janet's Month: Jan Mon | Janet's Month: Nov Wed",
    })
    void formatsLikeGo(String layout, String expected) {
        assertThat(GoTimeLayout.of(layout).format(UTC)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "RFC3339              | 2006-01-02T15:04:05-05:00",
            "RFC3339Nano          | 2006-01-02T15:04:05-05:00",
            "UnixDate             | Mon Jan  2 15:04:05 EST 2006",
            "_2 Jan 03PM          | ` 2 Jan 03PM`",
    })
    void zonesAndPaddingLikeGo(String layout, String expected) {
        assertThat(GoTimeLayout.of(layout).format(NY)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "RFC3339Nano   | 2026-11-25T09:05:03Z",
            "05.000        | 03.000",
            "05.999        | 03",
    })
    void fractionsLikeGo(String layout, String expected) {
        assertThat(GoTimeLayout.of(layout).format(WHOLE)).isEqualTo(expected);
        assertThat(GoTimeLayout.of("no elements here").hasTimeElements()).isFalse();
    }
}
