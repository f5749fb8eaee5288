package io.dataflow.flink.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessTreeCpuTest {

    @Test
    void addsUserSystemAndWaitedForChildrenTicks() {
        // A /proc/<pid>/stat line (proc(5)): utime 1234, stime 56, cutime 700, cstime 89; the fields around them differ.
        String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 51234 9 3 0 1234 56 700 89 20 0 31 0 1500 4096000000 120000 "
                + "18446744073709551615 1 1 0 0 0 0 0 4096 17664 0 0 0 17 1 0 0 0 0 0\n";
        assertThat(ProcessTreeCpu.ticks(stat)).isEqualTo(1234 + 56 + 700 + 89);
    }

    @Test
    void countsFieldsFromTheLastParenthesisOfTheCommandName() {
        // The command name may hold spaces and parentheses: splitting the whole line on spaces would shift every field.
        String stat = "17 (a) b (c d) R 1 17 17 0 -1 0 0 0 0 0 300 20 1 2 20 0 1 0 5 0 0";
        assertThat(ProcessTreeCpu.ticks(stat)).isEqualTo(300 + 20 + 1 + 2);
    }
}
