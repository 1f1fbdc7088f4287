package io.edgefuse.protocol.ota;

import io.edgefuse.model.io.Directories;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * One artifact version being received into its staging folder
 * ({@code <staging>/<kind>s/<name>/<version>/}): each chunk is checked against its hash in the
 * manifest before it is written (atomically, so a crash never leaves half a chunk that looks whole),
 * chunks already there from an earlier, interrupted transfer are re-checked and kept, and the whole is
 * assembled and checked against the manifest's size and SHA-256. Not thread-safe: one caller thread.
 */
public final class ArtifactReceiver {
    private final Manifest manifest;
    private final Path dir;
    private final Path chunkDir;
    private final BitSet have;

    /** Opens (or resumes) the staging folder for a manifest that has already been verified. */
    public ArtifactReceiver(Manifest manifest, Path staging) {
        this.manifest = manifest;
        this.dir = folder(staging, manifest);
        this.chunkDir = dir.resolve("chunks");
        this.have = new BitSet(manifest.chunkCount());
        try {
            Path stamp = dir.resolve("sha256");
            // Same name and version with other content (a rebuilt bundle): what is staged belongs to the other one.
            if (Files.exists(stamp) && !Files.readString(stamp).trim().equals(manifest.sha256())) deleteTree(dir);
            Files.createDirectories(chunkDir);
            Files.writeString(stamp, manifest.sha256());
            for (int i = 0; i < manifest.chunkCount(); i++) {
                Path c = chunkDir.resolve(Integer.toString(i));
                if (!Files.exists(c)) continue;
                byte[] b = Files.readAllBytes(c);
                if (b.length == manifest.chunkLength(i) && Sha256.hex(b).equals(manifest.chunkSha256().get(i))) have.set(i);
                else Files.delete(c);
            }
        } catch (IOException e) {
            throw new OtaException("cannot use staging folder " + dir + ": " + e.getMessage(), e);
        }
    }

    public static Path folder(Path staging, Manifest m) {
        return staging.resolve(m.kind().plural()).resolve(m.name()).resolve(m.version());
    }

    public Manifest manifest() {
        return manifest;
    }

    public Path dir() {
        return dir;
    }

    public int received() {
        return have.cardinality();
    }

    public int missing() {
        return manifest.chunkCount() - have.cardinality();
    }

    public boolean complete() {
        return missing() == 0;
    }

    public double progress() {
        return manifest.chunkCount() == 0 ? 1.0 : (double) received() / manifest.chunkCount();
    }

    public boolean has(int i) {
        return have.get(i);
    }

    /**
     * Checks and stores chunk i. Returns false for a chunk already held (a retained copy delivered
     * again after a reconnect). Throws, with the reason, for a chunk that does not match the manifest:
     * the transfer cannot succeed from these chunks.
     */
    public boolean accept(int i, byte[] data) {
        if (i < 0 || i >= manifest.chunkCount()) throw new OtaException("chunk " + i + " is outside 0.." + (manifest.chunkCount() - 1));
        if (have.get(i)) return false;
        int want = manifest.chunkLength(i);
        if (data.length != want) throw new OtaException("chunk " + i + " has " + data.length + " bytes, the manifest says " + want + " (truncated or tampered)");
        if (!Sha256.hex(data).equals(manifest.chunkSha256().get(i))) throw new OtaException("chunk " + i + " fails its SHA-256 check (tampered or corrupted)");
        try {
            Path tmp = Files.createTempFile(chunkDir, ".chunk", ".tmp");
            Files.write(tmp, data);
            Files.move(tmp, chunkDir.resolve(Integer.toString(i)), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OtaException("cannot write chunk " + i + " to " + chunkDir + ": " + e.getMessage(), e);
        }
        have.set(i);
        return true;
    }

    /**
     * Concatenates the chunks into {@code artifact} in the staging folder and checks its size and
     * SHA-256 against the manifest. A mismatch (only possible if the manifest's own hashes disagree)
     * deletes the chunks so the next attempt starts clean.
     */
    public Path assemble() {
        if (!complete()) throw new OtaException(missing() + " of " + manifest.chunkCount() + " chunks missing");
        Path out = dir.resolve("artifact");
        MessageDigest sha = Sha256.digest();
        long size = 0;
        try {
            Path tmp = Files.createTempFile(dir, ".artifact", ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                for (int i = 0; i < manifest.chunkCount(); i++) {
                    byte[] b;
                    try (InputStream in = Files.newInputStream(chunkDir.resolve(Integer.toString(i)))) {
                        b = in.readAllBytes();
                    }
                    sha.update(b);
                    size += b.length;
                    os.write(b);
                }
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (size != manifest.size() || !got.equals(manifest.sha256())) {
                Files.deleteIfExists(tmp);
                deleteTree(chunkDir);
                throw new OtaException("assembled artifact has " + size + " bytes and SHA-256 " + got.substring(0, 16) + "..., the manifest says "
                        + manifest.size() + " bytes and " + manifest.sha256().substring(0, 16) + "...");
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OtaException("cannot assemble " + manifest.describe() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Removes the chunks (kept until the artifact is in use, so an interrupted install can resume). */
    public void dropChunks() {
        deleteTree(chunkDir);
    }

    static void deleteTree(Path p) {
        try {
            Directories.deleteTree(p);
        } catch (IOException e) {
            throw new OtaException("cannot delete " + p + ": " + e.getMessage(), e);
        }
    }
}
