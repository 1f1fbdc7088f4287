package io.edgefuse.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How an emulated cluster asks a node that is holding (hold.until) for a probe run, and how the node
 * answers: a request number in {@code <hold file>.probe.<node id>}, the answer {@code <number> <conv
 * GFLOP/s>} in {@code <hold file>.probed.<node id>}. Both sides write by an atomic move, so a reader
 * never sees half a file. Both sides use this class, so the format lives in one place.
 */
public final class HoldProbeFiles {
    private HoldProbeFiles() {}

    public static Path request(Path holdFile, String nodeId) {
        return holdFile.resolveSibling(holdFile.getFileName() + ".probe." + nodeId);
    }

    public static Path answer(Path holdFile, String nodeId) {
        return holdFile.resolveSibling(holdFile.getFileName() + ".probed." + nodeId);
    }

    /** The asker: asks for probe run {@code round}. */
    public static void ask(Path holdFile, String nodeId, int round) throws IOException {
        writeAtomically(request(holdFile, nodeId), String.valueOf(round));
    }

    /** The asker: the conv rate the node answered to {@code round}, or NaN while it has not. */
    public static double answerTo(Path holdFile, String nodeId, int round) {
        String[] f = readQuietly(answer(holdFile, nodeId)).split("\\s+");
        try {
            return f.length == 2 && f[0].equals(String.valueOf(round)) ? Double.parseDouble(f[1]) : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The node: the request standing now ("" when none). */
    static String standingRequest(Path holdFile, String nodeId) {
        return readQuietly(request(holdFile, nodeId));
    }

    /** The node: answers {@code request} with the conv rate its probe measured. */
    static void reply(Path holdFile, String nodeId, String request, double convGflops) throws IOException {
        writeAtomically(answer(holdFile, nodeId), request + " " + convGflops + "\n");
    }

    private static String readQuietly(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void writeAtomically(Path p, String text) throws IOException {
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
