package io.dataflow.flink.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The CPU seconds a running contender has used so far, read from {@code /proc/<pid>/stat}: user and system time of
 * the process the bench started ({@code /usr/bin/time}) and of every live process below it (the contender's JVM
 * and, for the jar's launcher, the job's JVM it starts), each with the time of its children that have already
 * exited and been waited for. That is the accounting {@code /usr/bin/time} reports once the run is over (the
 * rusage of its waited-for child), read while the run goes on, so a sample taken as the last record arrives and
 * the whole-run figure count the same processes.
 */
final class ProcessTreeCpu {

    private final ProcessHandle root;
    private final double ticksPerSecond;
    private List<ProcessHandle> tree;

    ProcessTreeCpu(ProcessHandle root, double ticksPerSecond) {
        this.root = root;
        this.ticksPerSecond = ticksPerSecond;
        refresh();
    }

    /** The kernel's clock ticks per second, the unit of the times in {@code /proc/<pid>/stat} (proc(5)). */
    static double clockTicksPerSecond() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (getconf.waitFor() != 0) {
            throw new IllegalStateException("getconf CLK_TCK failed: " + out);
        }
        return Double.parseDouble(out);
    }

    /**
     * Lists the processes below the root again. Between listings {@link #seconds()} reads only the processes listed
     * (a few files, cheap enough to read every few milliseconds); a child that exits in between is still counted, in
     * its parent's children's time, once its parent has waited for it.
     */
    void refresh() {
        List<ProcessHandle> listed = new ArrayList<>();
        listed.add(root);
        root.descendants().forEach(listed::add);
        tree = listed;
    }

    /**
     * CPU seconds of the tree now; empty once the root has exited and been waited for (its time then belongs to the
     * bench's own process, and a sample would miss it).
     */
    OptionalDouble seconds() {
        long ticks = 0;
        for (ProcessHandle process : tree) {
            String stat;
            try {
                stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            } catch (IOException e) {
                if (process == root) {
                    return OptionalDouble.empty();
                }
                // A descendant that exited since the listing: its time is in its parent's children's time once waited for.
                continue;
            }
            ticks += ticks(stat);
        }
        return OptionalDouble.of(ticks / ticksPerSecond);
    }

    /**
     * utime + stime + cutime + cstime, fields 14 to 17 of a {@code /proc/<pid>/stat} line. Field 2, the command
     * name in parentheses, may itself hold spaces and parentheses, so the fields are counted from its last ')'.
     */
    static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (the state), so field n is fields[n - 3].
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }
}
