package io.edgefuse.model.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Fashion-MNIST (Xiao et al., 2017) from its gzipped IDX files, as the Debian package
 * dataset-fashion-mnist installs them. The directory is the constructor's argument, else
 * $EDGEFUSE_FASHION_MNIST, else {@value #DEFAULT_DIR}. Never downloads anything.
 */
public final class FashionMnist {
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    public static final String ENV = "EDGEFUSE_FASHION_MNIST";
    public static final String PACKAGE_HINT = "install the Debian package: apt-get install dataset-fashion-mnist, or set " + ENV;
    public static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final int ROWS = 28;
    public static final int COLS = 28;

    private static final int IMAGES_MAGIC = 0x00000803; // unsigned bytes, 3 dimensions
    private static final int LABELS_MAGIC = 0x00000801; // unsigned bytes, 1 dimension

    /** The two halves of the dataset and their file name prefixes. */
    public enum Split {
        TRAIN("train", 60_000),
        TEST("t10k", 10_000);

        private final String prefix;
        private final int officialSize;

        Split(String prefix, int officialSize) {
            this.prefix = prefix;
            this.officialSize = officialSize;
        }

        public String imagesFile() {
            return prefix + "-images-idx3-ubyte.gz";
        }

        public String labelsFile() {
            return prefix + "-labels-idx1-ubyte.gz";
        }

        /** The size of the published split; files holding another count are read too (e.g. test subsets). */
        public int officialSize() {
            return officialSize;
        }
    }

    private final Path dir;

    public FashionMnist(Path dir) {
        this.dir = dir;
    }

    /** From $EDGEFUSE_FASHION_MNIST, else {@value #DEFAULT_DIR}. */
    public FashionMnist() {
        this(defaultDirectory());
    }

    public static Path defaultDirectory() {
        String env = System.getenv(ENV);
        return Path.of(env != null && !env.isBlank() ? env : DEFAULT_DIR);
    }

    public Path directory() {
        return dir;
    }

    public ImageSet read(Split split) {
        return read(split, Integer.MAX_VALUE);
    }

    /** The first {@code limit} images of the split (all of them if it holds fewer). */
    public ImageSet read(Split split, int limit) {
        if (limit < 0) throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        try (Idx images = open(split.imagesFile(), IMAGES_MAGIC); Idx labels = open(split.labelsFile(), LABELS_MAGIC)) {
            int n = Math.min(limit, checkedCount(images, labels));
            byte[] pixels = images.readRecords(n, ROWS * COLS);
            byte[] lab = labels.readRecords(n, 1);
            if (n == images.count) {
                images.expectEnd();
                labels.expectEnd();
            }
            int[] source = new int[n];
            Arrays.setAll(source, i -> i);
            return ImageSet.of(pixels, lab, source, labels.file);
        }
    }

    /**
     * The first {@code k} images of each class, in file order (so always the same ones), grouped in the
     * order they appear. Fails if a class has fewer than k images.
     */
    public ImageSet perClass(Split split, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        try (Idx images = open(split.imagesFile(), IMAGES_MAGIC); Idx labels = open(split.labelsFile(), LABELS_MAGIC)) {
            int count = checkedCount(images, labels);
            int[] taken = new int[CLASSES.size()];
            int wanted = k * CLASSES.size();
            int[] source = new int[wanted];
            byte[] lab = new byte[wanted];
            byte[] pixels = new byte[wanted * ROWS * COLS];
            int got = 0;
            for (int i = 0; i < count && got < wanted; i++) {
                byte label = labels.readRecords(1, 1)[0];
                byte[] image = images.readRecords(1, ROWS * COLS);
                int c = ImageSet.checkLabel(label, i, labels.file);
                if (taken[c] == k) continue;
                taken[c]++;
                source[got] = i;
                lab[got] = label;
                System.arraycopy(image, 0, pixels, got * ROWS * COLS, ROWS * COLS);
                got++;
            }
            for (int c = 0; c < taken.length; c++) {
                if (taken[c] < k) {
                    throw new DatasetException(split.labelsFile() + " has only " + taken[c] + " images of class " + c + " (" + CLASSES.get(c) + "), " + k + " wanted");
                }
            }
            return ImageSet.of(pixels, lab, source, labels.file);
        }
    }

    private static int checkedCount(Idx images, Idx labels) {
        if (images.count != labels.count) {
            throw new DatasetException(images.file.getFileName() + " holds " + images.count + " images but " + labels.file.getFileName() + " " + labels.count + " labels");
        }
        return images.count;
    }

    private Idx open(String name, int magic) {
        if (!Files.isDirectory(dir)) throw new DatasetException("Fashion-MNIST directory " + dir + " does not exist; " + PACKAGE_HINT);
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) throw new DatasetException("Fashion-MNIST file " + f + " is missing; " + PACKAGE_HINT);
        return Idx.open(f, magic);
    }

    /** One gzipped IDX file of unsigned bytes, positioned after its header. */
    private static final class Idx implements AutoCloseable {
        final Path file;
        final int count;
        private final DataInputStream in;

        private Idx(Path file, DataInputStream in, int count) {
            this.file = file;
            this.in = in;
            this.count = count;
        }

        static Idx open(Path file, int magic) {
            DataInputStream in = null;
            try {
                in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16), 1 << 16));
                int m = in.readInt();
                if (m != magic) {
                    throw new DatasetException(file + ": magic number 0x" + Integer.toHexString(m) + ", expected 0x" + Integer.toHexString(magic) + " (not an IDX " + (magic == IMAGES_MAGIC ? "image" : "label") + " file)");
                }
                int count = in.readInt();
                if (count < 0) throw new DatasetException(file + ": negative item count " + count);
                if (magic == IMAGES_MAGIC) {
                    int rows = in.readInt(), cols = in.readInt();
                    if (rows != ROWS || cols != COLS) throw new DatasetException(file + ": images are " + rows + "x" + cols + ", expected " + ROWS + "x" + COLS);
                }
                return new Idx(file, in, count);
            } catch (DatasetException e) {
                closeQuietly(in);
                throw e;
            } catch (IOException e) {
                closeQuietly(in);
                throw unreadable(file, e);
            }
        }

        byte[] readRecords(int n, int recordSize) {
            byte[] b = new byte[Math.multiplyExact(n, recordSize)];
            try {
                in.readFully(b);
            } catch (IOException e) {
                throw unreadable(file, e);
            }
            return b;
        }

        /** After the last record the stream must end: trailing bytes mean the header's count is wrong. */
        void expectEnd() {
            try {
                if (in.read() != -1) throw new DatasetException(file + ": more data than its header's " + count + " items");
            } catch (IOException e) {
                throw unreadable(file, e);
            }
        }

        @Override
        public void close() {
            closeQuietly(in);
        }

        private static DatasetException unreadable(Path file, IOException e) {
            if (e instanceof EOFException) return new DatasetException(file + " is truncated: it ends before the items its header announces", e);
            if (e instanceof ZipException) return new DatasetException(file + " is not a valid gzip file: " + e.getMessage(), e);
            return new DatasetException("cannot read " + file + ": " + e, e);
        }

        private static void closeQuietly(InputStream in) {
            try {
                if (in != null) in.close();
            } catch (IOException ignored) {
                // nothing was written; a failing close cannot lose data
            }
        }
    }
}
