package io.edgefuse.runtime.cli;

import io.edgefuse.model.data.DatasetException;
import io.edgefuse.model.data.FashionMnist;
import io.edgefuse.model.data.ImageSet;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Images for the demo: Fashion-MNIST test images as PNG files, or drawn patterns when the dataset is missing. */
final class SampleImages {
    record Sample(String name, byte[] png) {}

    private SampleImages() {}

    static List<Sample> load(int count, java.io.PrintWriter err) {
        List<Sample> out = new ArrayList<>();
        try {
            ImageSet set = new FashionMnist().read(FashionMnist.Split.TEST, count);
            for (int i = 0; i < set.size(); i++) {
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
                float[] px = set.pixels(i);
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        int g = Math.round(px[y * 28 + x] * 255);
                        img.setRGB(x, y, g << 16 | g << 8 | g);
                    }
                }
                out.add(new Sample("fashion-" + i + " (" + set.className(i) + ")", png(img)));
            }
        } catch (DatasetException e) {
            err.println("demo: " + e.getMessage() + "; using drawn patterns instead");
            for (int i = 0; i < count; i++) {
                BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, ((x * (i + 1)) & 0xff) << 16 | ((y * 3) & 0xff) << 8 | (i * 40 & 0xff));
                out.add(new Sample("pattern-" + i, png(img)));
            }
        }
        return out;
    }

    private static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            ImageIO.write(img, "png", bos);
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
