package io.edgefuse.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.data.FashionMnist.Split;
import io.edgefuse.model.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expected values were read from the installed files independently (Python's gzip + struct): train
 * labels start 9, 0, 0, 3; the first training image's pixels sum to 76247; t10k labels start 9, 2, 1.
 */
class FashionMnistTest {
    private static final Path REAL = Path.of(FashionMnist.DEFAULT_DIR);

    @TempDir
    Path tmp;

    @Test
    void readsTheInstalledDataset() {
        FashionMnist fm = new FashionMnist(REAL);
        ImageSet train = fm.read(Split.TRAIN);
        ImageSet test = fm.read(Split.TEST);
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        int[] perClass = new int[10];
        for (int i = 0; i < train.size(); i++) perClass[train.label(i)]++;
        int[] sixThousand = new int[10];
        Arrays.fill(sixThousand, 6000);
        assertArrayEquals(sixThousand, perClass);
        assertEquals(9, train.label(0));
        assertEquals("Ankle boot", train.className(0));
        assertEquals(9, test.label(0));
        assertEquals(2, test.label(1));

        Tensor img = train.image(0);
        assertArrayEquals(new int[] {28, 28, 1}, img.shape());
        double sum = 0;
        float max = 0;
        for (float v : img.data()) {
            assertTrue(v >= 0 && v <= 1);
            sum += v;
            max = Math.max(max, v);
        }
        assertEquals(76247 / 255.0, sum, 1e-3);
        assertEquals(1f, max);
    }

    @Test
    void readsOnlyTheFirstImages() {
        ImageSet first = new FashionMnist(REAL).read(Split.TRAIN, 4);
        assertEquals(4, first.size());
        assertEquals(Arrays.asList(9, 0, 0, 3), Arrays.asList(first.label(0), first.label(1), first.label(2), first.label(3)));
        assertEquals(76247, sumOfRaw(first, 0));
    }

    @Test
    void aSliceHoldsTheSameImagesWithTheirSourceIndices() {
        ImageSet first = new FashionMnist(REAL).read(Split.TRAIN, 6);
        ImageSet s = first.slice(2, 5);
        assertEquals(3, s.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(first.label(i + 2), s.label(i));
            assertEquals(i + 2, s.sourceIndex(i));
            assertArrayEquals(first.pixels(i + 2), s.pixels(i));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> first.slice(4, 7));
    }

    @Test
    void samplesKPerClassDeterministically() {
        FashionMnist fm = new FashionMnist(REAL);
        ImageSet s = fm.perClass(Split.TEST, 3);
        assertEquals(30, s.size());
        int[] counts = new int[10];
        for (int i = 0; i < s.size(); i++) counts[s.label(i)]++;
        int[] three = new int[10];
        Arrays.fill(three, 3);
        assertArrayEquals(three, counts);
        // The first three T-shirts of t10k are items 19, 27 and 35.
        int[] tshirts = new int[3];
        for (int i = 0, t = 0; i < s.size(); i++) if (s.label(i) == 0) tshirts[t++] = s.sourceIndex(i);
        assertArrayEquals(new int[] {19, 27, 35}, tshirts);
        ImageSet again = fm.perClass(Split.TEST, 3);
        for (int i = 0; i < s.size(); i++) {
            assertEquals(s.sourceIndex(i), again.sourceIndex(i));
            assertArrayEquals(s.pixels(i), again.pixels(i));
        }
        ImageSet whole = fm.read(Split.TEST, 40);
        assertArrayEquals(whole.pixels(19), s.pixels(indexOfSource(s, 19)));
    }

    @Test
    void missingDirectoryNamesTheDebianPackage() {
        DatasetException e = assertThrows(DatasetException.class, () -> new FashionMnist(tmp.resolve("absent")).read(Split.TRAIN));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        writeGz(tmp.resolve(Split.TEST.imagesFile()), idxImages(2, 2));
        DatasetException e = assertThrows(DatasetException.class, () -> new FashionMnist(tmp).read(Split.TEST));
        assertTrue(e.getMessage().contains(Split.TEST.labelsFile()) && e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void truncatedFileIsReported() throws IOException {
        writeGz(tmp.resolve(Split.TEST.imagesFile()), idxImages(5, 3)); // header says 5, holds 3
        writeGz(tmp.resolve(Split.TEST.labelsFile()), idxLabels(5, 5));
        DatasetException e = assertThrows(DatasetException.class, () -> new FashionMnist(tmp).read(Split.TEST));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(Split.TEST.imagesFile()), e.getMessage());
        // The first three are all there and readable.
        assertEquals(3, new FashionMnist(tmp).read(Split.TEST, 3).size());
    }

    @Test
    void badMagicNotGzipAndCountMismatchAreReported() throws IOException {
        Path images = tmp.resolve(Split.TEST.imagesFile()), labels = tmp.resolve(Split.TEST.labelsFile());
        writeGz(images, idxLabels(2, 2)); // a label file where the images belong
        writeGz(labels, idxLabels(2, 2));
        DatasetException e = assertThrows(DatasetException.class, () -> new FashionMnist(tmp).read(Split.TEST));
        assertTrue(e.getMessage().contains("magic number 0x801"), e.getMessage());

        writeGz(images, idxImages(3, 3));
        e = assertThrows(DatasetException.class, () -> new FashionMnist(tmp).read(Split.TEST));
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("2 labels"), e.getMessage());

        Files.write(images, new byte[] {1, 2, 3, 4, 5});
        e = assertThrows(DatasetException.class, () -> new FashionMnist(tmp).read(Split.TEST));
        assertTrue(e.getMessage().contains("not a valid gzip"), e.getMessage());
    }

    @Test
    void labelsOutsideTheTenClassesAreRejected() throws IOException {
        writeGz(tmp.resolve(Split.TEST.imagesFile()), idxImages(2, 2));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x801);
        d.writeInt(2);
        d.write(new byte[] {3, 10});
        writeGz(tmp.resolve(Split.TEST.labelsFile()), b.toByteArray());
        DatasetException e = assertThrows(DatasetException.class, () -> new FashionMnist(tmp).read(Split.TEST));
        assertTrue(e.getMessage().contains("label 10 of item 1"), e.getMessage());
    }

    private static int indexOfSource(ImageSet s, int source) {
        for (int i = 0; i < s.size(); i++) if (s.sourceIndex(i) == source) return i;
        throw new AssertionError("no item from source " + source);
    }

    private static int sumOfRaw(ImageSet s, int i) {
        int sum = 0;
        for (int r = 0; r < 28; r++) for (int c = 0; c < 28; c++) sum += s.rawPixel(i, r, c);
        return sum;
    }

    private static byte[] idxImages(int declared, int actual) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x803);
        d.writeInt(declared);
        d.writeInt(28);
        d.writeInt(28);
        d.write(new byte[actual * 784]);
        return b.toByteArray();
    }

    private static byte[] idxLabels(int declared, int actual) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x801);
        d.writeInt(declared);
        d.write(new byte[actual]);
        return b.toByteArray();
    }

    private static void writeGz(Path p, byte[] content) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            o.write(content);
        }
    }
}
