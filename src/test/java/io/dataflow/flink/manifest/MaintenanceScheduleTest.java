package io.dataflow.flink.manifest;

import io.dataflow.flink.manifest.MaintenanceSchedule.Repeat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaintenanceScheduleTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void aOneOffWindowIsActiveFromItsStartUntilItsEndOnly() {
        MaintenanceSchedule s = new MaintenanceSchedule(ZonedDateTime.parse("2026-12-06T02:00:00Z"), Duration.ofHours(2), Repeat.NONE, "");
        assertThat(s.activeUntil(at("2026-12-06T01:59:59Z"))).isEmpty();
        assertThat(s.activeUntil(at("2026-12-06T02:00:00Z"))).contains(at("2026-12-06T04:00:00Z"));
        assertThat(s.activeUntil(at("2026-12-06T03:59:59Z"))).contains(at("2026-12-06T04:00:00Z"));
        assertThat(s.activeUntil(at("2026-12-06T04:00:00Z"))).isEmpty();
        assertThat(s.activeUntil(at("2026-12-07T02:30:00Z"))).isEmpty();
        assertThat(s.nextStart(at("2026-12-05T00:00:00Z"))).contains(at("2026-12-06T02:00:00Z"));
        assertThat(s.nextStart(at("2026-12-06T02:00:00Z"))).isEmpty();
    }

    @Test
    void aDailyWindowKeepsItsLocalTimeAcrossDaylightSavingChanges() {
        // 01:00 Berlin is 00:00 UTC in winter (CET) and 23:00 UTC the day before in summer (CEST); DST began at
        // 02:00 on 29 March 2026
        MaintenanceSchedule s = new MaintenanceSchedule(ZonedDateTime.of(2026, 3, 27, 1, 0, 0, 0, BERLIN), Duration.ofMinutes(30),
                Repeat.DAILY, "");
        assertThat(s.activeUntil(at("2026-03-28T00:10:00Z"))).contains(at("2026-03-28T00:30:00Z"));
        assertThat(s.activeUntil(at("2026-03-30T23:10:00Z"))).contains(at("2026-03-30T23:30:00Z"));
        assertThat(s.activeUntil(at("2026-03-31T00:10:00Z"))).isEmpty();
        assertThat(s.nextStart(at("2026-03-28T12:00:00Z"))).contains(at("2026-03-29T00:00:00Z"));
        // the day of the change is 23 hours long: the next start is 23 hours later, at 01:00 local again
        assertThat(s.nextStart(at("2026-03-29T12:00:00Z"))).contains(at("2026-03-29T23:00:00Z"));
    }

    @Test
    void aDailyWindowInTheSpringForwardGapMovesForwardByTheGapThatDayOnly() {
        // 02:30 does not exist in Berlin on 29 March 2026 (02:00 -> 03:00): that day's window begins at 03:30 CEST
        MaintenanceSchedule s = new MaintenanceSchedule(ZonedDateTime.of(2026, 3, 28, 2, 30, 0, 0, BERLIN), Duration.ofMinutes(20),
                Repeat.DAILY, "");
        assertThat(s.nextStart(at("2026-03-28T12:00:00Z"))).contains(at("2026-03-29T01:30:00Z"));
        assertThat(s.nextStart(at("2026-03-29T12:00:00Z"))).contains(at("2026-03-30T00:30:00Z"));
    }

    @Test
    void aMonthlyWindowOnThe31stFallsOnTheLastDayOfShorterMonthsAndReturnsToThe31st() {
        MaintenanceSchedule s = new MaintenanceSchedule(ZonedDateTime.of(2026, 1, 31, 22, 0, 0, 0, ZoneOffset.UTC), Duration.ofHours(1),
                Repeat.MONTHLY, "");
        assertThat(s.nextStart(at("2026-02-01T00:00:00Z"))).contains(at("2026-02-28T22:00:00Z"));
        assertThat(s.activeUntil(at("2026-02-28T22:30:00Z"))).contains(at("2026-02-28T23:00:00Z"));
        assertThat(s.nextStart(at("2026-03-01T00:00:00Z"))).contains(at("2026-03-31T22:00:00Z"));
        assertThat(s.nextStart(at("2026-04-01T00:00:00Z"))).contains(at("2026-04-30T22:00:00Z"));
        assertThat(s.activeUntil(at("2026-03-28T22:30:00Z"))).isEmpty();
        assertThat(s.nextStart(at("2028-02-01T00:00:00Z"))).contains(at("2028-02-29T22:00:00Z"));
    }

    @Test
    void aWeeklyWindowRepeatsOnItsWeekday() {
        MaintenanceSchedule s = new MaintenanceSchedule(ZonedDateTime.parse("2026-12-06T02:00:00Z"), Duration.ofHours(3), Repeat.WEEKLY, "");
        assertThat(s.activeUntil(at("2026-12-13T04:59:00Z"))).contains(at("2026-12-13T05:00:00Z"));
        assertThat(s.activeUntil(at("2026-12-14T03:00:00Z"))).isEmpty();
        assertThat(s.nextStart(at("2027-06-01T00:00:00Z"))).contains(at("2027-06-06T02:00:00Z"));
    }

    @Test
    void windowsAsLongAsTheirPeriodAreRefused() {
        assertThatThrownBy(() -> new MaintenanceSchedule(ZonedDateTime.parse("2026-12-06T02:00:00Z"), Duration.ofHours(23), Repeat.DAILY, ""))
                .hasMessage("duration must be shorter than 23h");
        assertThatThrownBy(() -> new MaintenanceSchedule(ZonedDateTime.parse("2026-12-06T02:00:00Z"), Duration.ZERO, Repeat.NONE, ""))
                .hasMessage("duration must be positive");
    }
}
