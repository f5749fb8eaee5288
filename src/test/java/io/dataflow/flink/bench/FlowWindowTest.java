package io.dataflow.flink.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FlowWindowTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void windowRunsFromTheFirstVisibleRecordToTheLast() {
        FlowWindow window = new FlowWindow(100_000);
        assertThat(window.observe(4.0, 0, 0)).isFalse();          // start-up: nothing in the target yet
        assertThat(window.observe(6.5, 2 * SECOND, 0)).isFalse();
        assertThat(window.observe(7.25, 3 * SECOND, 10_000)).isFalse(); // a first batch became visible: the window opens
        assertThat(window.observe(9.0, 4 * SECOND, 60_000)).isFalse();
        assertThat(window.observe(11.75, 6 * SECOND, 100_000)).isTrue(); // all of them: it closes
        FlowWindow.Flow flow = window.flow();
        assertThat(flow.cpuSeconds()).isCloseTo(4.5, within(1e-9));     // 11.75 - 7.25, none of the start-up's 7.25 s
        assertThat(flow.records()).isEqualTo(90_000);                     // the 10 000 visible at the opening came before it
        assertThat(flow.seconds()).isCloseTo(3.0, within(1e-9));
        assertThat(flow.microsPerRecord()).isCloseTo(50.0, within(1e-9)); // 4.5 s / 90 000
        assertThat(flow.cpuBeforeSeconds()).isCloseTo(7.25, within(1e-9));
    }

    @Test
    void observationsAfterTheLastRecordChangeNothing() {
        FlowWindow window = new FlowWindow(1_000);
        window.observe(1.0, 0, 500);
        assertThat(window.observe(3.0, SECOND, 1_000)).isTrue();
        assertThat(window.observe(9.0, 2 * SECOND, 1_000)).isTrue();   // shut-down CPU after the last record
        assertThat(window.flow().cpuSeconds()).isCloseTo(2.0, within(1e-9));
        assertThat(window.flow().microsPerRecord()).isCloseTo(4_000.0, within(1e-9));
    }

    @Test
    void allRecordsAtTheFirstSightLeaveNoRecordInTheWindow() {
        // One commit made every record visible at once: no CPU per record can be told.
        FlowWindow window = new FlowWindow(20_000);
        window.observe(5.0, 0, 0);
        assertThat(window.observe(8.0, SECOND, 20_000)).isTrue();
        assertThat(window.flow().records()).isZero();
        assertThat(window.flow().cpuSeconds()).isZero();
        assertThat(window.flow().microsPerRecord()).isNaN();
    }

    @Test
    void aRunThatEndsBeforeTheLastRecordShowsIsUnobserved() {
        FlowWindow window = new FlowWindow(1_000);
        window.observe(1.0, 0, 10);
        window.observe(2.0, SECOND, 999);
        assertThat(window.flow()).isSameAs(FlowWindow.Flow.UNOBSERVED);
        assertThat(window.flow().cpuSeconds()).isNaN();
        assertThat(window.flow().microsPerRecord()).isNaN();
    }

    @Test
    void aContenderThatExitsRightAfterItsLastRecordIsClosedByItsLastSample() {
        FlowWindow window = new FlowWindow(10_000);
        window.observe(2.0, 0, 0);
        window.observe(2.5, SECOND, 2_000);
        window.observe(4.0, 2 * SECOND, 7_000);
        // Its last records arrived after this observation, then it exited; the target shows them all now.
        window.exited(5.5, 3 * SECOND, 10_000);
        assertThat(window.flow().cpuSeconds()).isCloseTo(3.0, within(1e-9));  // 5.5 - 2.5
        assertThat(window.flow().cpuBeforeSeconds()).isCloseTo(2.5, within(1e-9));
        assertThat(window.flow().records()).isEqualTo(8_000);
        assertThat(window.flow().microsPerRecord()).isCloseTo(375.0, within(1e-9));
    }

    @Test
    void anExitWithRecordsMissingOrAfterTheWindowChangesNothing() {
        FlowWindow missing = new FlowWindow(10_000);
        missing.observe(2.5, SECOND, 2_000);
        missing.exited(5.5, 3 * SECOND, 9_999);
        assertThat(missing.flow()).isSameAs(FlowWindow.Flow.UNOBSERVED);

        FlowWindow closed = new FlowWindow(10_000);
        closed.observe(2.5, SECOND, 2_000);
        closed.observe(4.0, 2 * SECOND, 10_000);
        closed.exited(9.0, 3 * SECOND, 10_000);
        assertThat(closed.flow().cpuSeconds()).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void anExitBeforeAnyRecordWasSeenLeavesNoRecordInTheWindow() {
        FlowWindow window = new FlowWindow(10_000);
        window.observe(2.0, 0, 0);
        window.exited(6.0, SECOND, 10_000);
        assertThat(window.flow().records()).isZero();
        assertThat(window.flow().microsPerRecord()).isNaN();
    }
}
