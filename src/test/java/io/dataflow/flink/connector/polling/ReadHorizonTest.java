package io.dataflow.flink.connector.polling;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ReadHorizonTest {

    @Test
    void nothingIsReadBeforeAMarkIsReleased() {
        ReadHorizon h = new ReadHorizon();
        h.mark(100, "7");
        h.releaseBefore(100);
        assertThat(h.hasBound()).isFalse();
        assertThat(h.holdsBack()).isTrue();
    }

    @Test
    void theNewestReleasedMarkIsTheBoundAndLaterOnesWait() {
        ReadHorizon h = new ReadHorizon();
        h.mark(100, "7");
        h.mark(200, "9");
        h.mark(300, "12");
        // a transaction that started at 250 is still open: the mark at 300 may still gain rows below 12
        h.releaseBefore(250);
        assertThat(h.bound()).isEqualTo("9");
        assertThat(h.holdsBack()).isTrue();
        h.releaseBefore(Long.MAX_VALUE);
        assertThat(h.bound()).isEqualTo("12");
        assertThat(h.holdsBack()).isFalse();
    }

    @Test
    void pendingMarksThatSawNothingNewHoldNothingBack() {
        ReadHorizon h = new ReadHorizon();
        h.mark(100, "7");
        h.releaseBefore(101);
        h.mark(200, "7");
        assertThat(h.holdsBack()).isFalse();
    }

    @Test
    void aLongOpenTransactionKeepsAtMostTheNewestMarks() {
        ReadHorizon h = new ReadHorizon();
        for (int i = 0; i < ReadHorizon.MAX_PENDING * 3; i++) {
            h.mark(i, Integer.toString(i));
        }
        assertThat(h.oldestPendingAt()).isEqualTo(ReadHorizon.MAX_PENDING * 2L);
    }

    @Test
    void aSafetyLagReleasesAMarkOnceItIsOldEnough() {
        SafetyLagHorizon lag = new SafetyLagHorizon(Duration.ofSeconds(5));
        assertThat(lag.advance("a", 1_000).hasBound()).isFalse();
        assertThat(lag.advance("b", 5_999).hasBound()).isFalse();
        ReadHorizon h = lag.advance("c", 6_000);
        assertThat(h.bound()).isEqualTo("a");
        assertThat(h.holdsBack()).isTrue();
        assertThat(SafetyLagHorizon.enabled(Duration.ZERO)).isFalse();
    }

    @Test
    void aBoundedSourceWaitsWhileTheHorizonHoldsRowsBack() {
        PollSchedule s = new PollSchedule(Duration.ofSeconds(5), true);
        s.pageRead(0, true, true, true, 1_000);
        assertThat(s.isEnded()).isFalse();
        assertThat(s.millisUntilNextPoll(1_000)).isEqualTo(PollSchedule.HELD_BACK_RETRY_MS);
        s.pageRead(0, true, true, false, 2_000);
        assertThat(s.isEnded()).isTrue();
    }

    @Test
    void aStreamedQueryContinuesAtOnceAndEndsItsCycleAtTheEndOfTheResult() {
        PollSchedule s = new PollSchedule(Duration.ofSeconds(5), false);
        s.pageRead(1000, false, false, false, 1_000);
        assertThat(s.millisUntilNextPoll(1_000)).isLessThanOrEqualTo(0);
        s.pageRead(10, false, true, false, 1_000);
        assertThat(s.millisUntilNextPoll(1_000)).isEqualTo(5_000);
    }
}
