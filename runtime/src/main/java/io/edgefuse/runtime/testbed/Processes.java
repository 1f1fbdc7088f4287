package io.edgefuse.runtime.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * System commands (ip, tc) and the processes the testbed starts. A process is identified by its pid
 * AND its start time (field 22 of /proc/PID/stat), so a pid the kernel reused for someone else's
 * process after a crash is never signalled.
 */
public final class Processes {
    private Processes() {}

    /** Runs a command to completion; its output, or a TestbedException with the command and its stderr. */
    public static String run(String... cmd) {
        return run(List.of(cmd));
    }

    public static String run(List<String> cmd) {
        Result r = exec(cmd);
        if (r.code != 0) throw new TestbedException("'" + String.join(" ", cmd) + "' failed (exit " + r.code + "): " + r.output.strip());
        return r.output;
    }

    /** Runs a command and reports whether it succeeded, ignoring its output (for idempotent removal). */
    public static boolean tryRun(String... cmd) {
        return exec(List.of(cmd)).code == 0;
    }

    private record Result(int code, String output) {}

    private static Result exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TestbedException("'" + String.join(" ", cmd) + "' did not finish within 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TestbedException("cannot run '" + cmd.get(0) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("interrupted running " + cmd.get(0), e);
        }
    }

    /** Whether we run as root (namespaces, tc and cgroups need it). */
    public static boolean isRoot() {
        try {
            return run("id", "-u").strip().equals("0");
        } catch (TestbedException e) {
            return false;
        }
    }

    /** The start time of a process in clock ticks since boot, or -1 if it does not exist. */
    public static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Whether the process with this pid is the one that started at {@code startTime}. */
    public static boolean alive(long pid, long startTime) {
        return pid > 0 && startTime >= 0 && startTime(pid) == startTime;
    }

    /** SIGTERM, then SIGKILL after {@code graceMs}; only if it is still the same process. */
    public static void stop(long pid, long startTime, long graceMs) {
        if (!alive(pid, startTime)) return;
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        long deadline = System.currentTimeMillis() + graceMs;
        while (alive(pid, startTime) && System.currentTimeMillis() < deadline) sleep(50);
        if (alive(pid, startTime)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            long hard = System.currentTimeMillis() + 5000;
            while (alive(pid, startTime) && System.currentTimeMillis() < hard) sleep(50);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("interrupted", e);
        }
    }
}
