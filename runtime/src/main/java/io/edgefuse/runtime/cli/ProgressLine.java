package io.edgefuse.runtime.cli;

import java.io.PrintWriter;

/**
 * A one-line progress display for long work. On a terminal it redraws the line in place (carriage
 * return) at most every 200 ms; into a file or pipe (no console) it prints a full line at most every
 * {@code fileInterval} seconds, so logs stay readable.
 */
final class ProgressLine {
    private final PrintWriter err;
    private final boolean terminal;
    private final long minNanos;
    private long last;
    private int width;

    ProgressLine(PrintWriter err, double fileIntervalSeconds) {
        this.err = err;
        this.terminal = System.console() != null;
        this.minNanos = terminal ? 200_000_000L : (long) (fileIntervalSeconds * 1e9);
    }

    /** Shows {@code text} unless the last update was too recent (or {@code force}). */
    void update(String text, boolean force) {
        long now = System.nanoTime();
        if (!force && last != 0 && now - last < minNanos) return;
        last = now;
        if (terminal) {
            err.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
            width = text.length();
        } else {
            err.println(text);
        }
        err.flush();
    }

    /** Ends the in-place line so the next output starts on a fresh one. */
    void finish() {
        if (terminal && width > 0) err.println();
        width = 0;
        err.flush();
    }

    static String bar(double fraction, int cells) {
        int full = (int) Math.round(Math.max(0, Math.min(1, fraction)) * cells);
        return "[" + "#".repeat(full) + ".".repeat(cells - full) + "]";
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
