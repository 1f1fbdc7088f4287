package io.edgefuse.runtime.cli;

import static io.edgefuse.runtime.cli.CliRun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.model.Model;
import io.edgefuse.model.io.ModelFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `train` and `evaluate` as a user calls them, on a few hundred real Fashion-MNIST images. */
class TrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void trainsWritesAModelFolderWithItsRecordAndEvaluatesIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("m");
        CliRun r = run("train", "--arch", "fmnist-resnet", "--epochs", "1", "--train-limit", "256", "--batch", "64", "--seed", "5", "--augment",
                "--eval-each-epoch", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("epoch 1/1"), r.err());
        assertTrue(r.out().contains("test accuracy"), r.out());
        Model m = ModelFormat.read(out);
        assertEquals("fmnist-resnet", m.name());
        JsonNode rec = JSON.readTree(Files.readString(out.resolve("training.json")));
        assertEquals("fmnist-resnet", rec.path("arch").asText());
        assertEquals(5, rec.path("seed").asInt());
        assertEquals(256, rec.path("trainImages").asInt());
        assertEquals(10000, rec.path("testImages").asInt());
        assertEquals(m.version(), rec.path("modelVersion").asText());
        assertTrue(rec.path("command").asText().startsWith("edgefuse train --arch fmnist-resnet"), rec.path("command").asText());
        assertTrue(rec.path("history").get(0).path("testAccuracy").isNumber());
        double recorded = rec.path("testAccuracy").asDouble();

        CliRun e = run("evaluate", "--model", out.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode doc = JSON.readTree(e.out());
        assertEquals(recorded, doc.path("accuracy").asDouble(), 1e-9);
        assertEquals(recorded, doc.path("recordedAccuracy").asDouble(), 1e-9);
        assertEquals(10000, doc.path("images").asInt());
    }

    @Test
    void badInputGetsAClearMessageAndANonZeroExit(@TempDir Path dir) {
        CliRun arch = run("train", "--arch", "nope", "--out", dir.resolve("a").toString());
        assertEquals(3, arch.code());
        CliRun opt = run("train", "--arch", "fmnist-vgg", "--optimizer", "rmsprop", "--out", dir.resolve("b").toString());
        assertEquals(3, opt.code());
        assertTrue(opt.err().contains("--optimizer must be one of [adam, sgd]"), opt.err());
        CliRun lr = run("train", "--arch", "fmnist-vgg", "--lr", "0", "--out", dir.resolve("c").toString());
        assertEquals(3, lr.code());
        assertTrue(lr.err().contains("learning rate"), lr.err());
        CliRun data = run("train", "--arch", "fmnist-vgg", "--data", dir.resolve("none").toString(), "--out", dir.resolve("d").toString());
        assertEquals(3, data.code());
        assertTrue(data.err().contains("dataset-fashion-mnist"), data.err());
        CliRun wrongModel = run("evaluate", "--model", "resnet18", "--limit", "1");
        assertEquals(3, wrongModel.code());
        assertTrue(wrongModel.err().contains("[28, 28, 1]"), wrongModel.err());
        assertEquals(2, run("train", "--arch", "fmnist-vgg").code());
        assertEquals(0, run("train", "--help").code());
        assertEquals(0, run("evaluate", "--help").code());
    }
}
