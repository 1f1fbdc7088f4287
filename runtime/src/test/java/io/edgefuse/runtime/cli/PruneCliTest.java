package io.edgefuse.runtime.cli;

import static io.edgefuse.runtime.cli.CliRun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.model.Model;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prune, prune-compare and bench-pruned as a user calls them (seeded, untrained fmnist-vgg; few samples). */
class PruneCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void badArgumentsGetAMessageAndANonZeroExit(@TempDir Path dir) {
        String out = dir.resolve("o").toString();
        CliRun missing = run("prune", "--model", dir.resolve("absent").toString(), "--target-flops", "0.5", "--out", out);
        assertEquals(3, missing.code());
        assertTrue(missing.err().contains("neither a zoo model"), missing.err());
        CliRun noStop = run("prune", "--model", "fmnist-vgg", "--out", out);
        assertEquals(2, noStop.code(), "a FLOPs target or an accuracy budget is required");
        assertTrue(noStop.err().contains("--target-flops") && noStop.err().contains("--max-accuracy-drop"), noStop.err());
        CliRun badTarget = run("prune", "--model", "fmnist-vgg", "--target-flops", "50", "--out", out);
        assertEquals(3, badTarget.code());
        assertTrue(badTarget.err().contains("fraction of FLOPs to remove, in (0, 1)"), badTarget.err());
        CliRun badCriterion = run("prune", "--model", "fmnist-vgg", "--criterion", "hrank", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badCriterion.code());
        assertTrue(badCriterion.err().contains("lrp, l1, taylor, random"), badCriterion.err());
        CliRun badNorm = run("prune", "--model", "fmnist-vgg", "--normalisation", "max", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badNorm.code());
        assertTrue(badNorm.err().contains("sum, mean, l2"), badNorm.err());
        CliRun badFloor = run("prune", "--model", "fmnist-vgg", "--layer-floor", "1", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badFloor.code());
        assertTrue(badFloor.err().contains("--layer-floor"), badFloor.err());
        CliRun badRule = run("prune", "--model", "fmnist-vgg", "--lrp-hidden-rule", "w2", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badRule.code());
        assertTrue(badRule.err().contains("--lrp-hidden-rule is z+, alpha2beta1 or epsilon"), badRule.err());
        CliRun badUpper = run("prune", "--model", "fmnist-vgg", "--lrp-upper-rule", "flat", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badUpper.code());
        assertTrue(badUpper.err().contains("--lrp-upper-rule is z+, alpha2beta1 or epsilon"), badUpper.err());
        CliRun badAfterPool = run("prune", "--model", "fmnist-vgg", "--lrp-after-pool-rule", "zz", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badAfterPool.code());
        assertTrue(badAfterPool.err().contains("--lrp-after-pool-rule is z+, alpha2beta1 or epsilon"), badAfterPool.err());
        CliRun badStart = run("prune", "--model", "fmnist-vgg", "--lrp-start", "logit", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badStart.code());
        assertTrue(badStart.err().contains("--lrp-start is true-class or contrastive"), badStart.err());
        CliRun badAggregation = run("prune", "--model", "fmnist-vgg", "--lrp-aggregation", "max", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badAggregation.code());
        assertTrue(badAggregation.err().contains("--lrp-aggregation is signed or absolute"), badAggregation.err());
        CliRun badPenalty = run("prune", "--model", "fmnist-vgg", "--flops-penalty", "-1", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badPenalty.code());
        assertTrue(badPenalty.err().contains("--flops-penalty must be >= 0"), badPenalty.err());
        CliRun twoCosts = run("prune", "--model", "fmnist-vgg", "--flops-penalty", "0.2", "--cost-aware", "--target-flops", "0.5", "--out", out);
        assertEquals(3, twoCosts.code());
        assertTrue(twoCosts.err().contains("--flops-penalty and --cost-aware"), twoCosts.err());
        CliRun badSchedule = run("prune", "--model", "fmnist-vgg", "--finetune-epochs", "1", "--finetune-schedule", "step", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badSchedule.code());
        assertTrue(badSchedule.err().contains("constant or cosine"), badSchedule.err());
        CliRun badProbe = run("prune", "--model", "fmnist-vgg", "--loss-probe", "0.2", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badProbe.code());
        assertTrue(badProbe.err().contains("only apply to --normalisation loss"), badProbe.err());
        CliRun badProbeFraction = run("prune", "--model", "fmnist-vgg", "--normalisation", "loss", "--loss-probe", "1", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badProbeFraction.code());
        assertTrue(badProbeFraction.err().contains("--loss-probe is a fraction"), badProbeFraction.err());
        CliRun badMetric = run("prune", "--model", "fmnist-vgg", "--normalisation", "loss", "--loss-probe-metric", "mse", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badMetric.code());
        assertTrue(badMetric.err().contains("kl or ce"), badMetric.err());
        CliRun lossPenalty = run("prune", "--model", "fmnist-vgg", "--normalisation", "loss", "--flops-penalty", "0.2", "--target-flops", "0.5", "--out", out);
        assertEquals(3, lossPenalty.code());
        assertTrue(lossPenalty.err().contains("--cost-aware"), lossPenalty.err());
        CliRun badAlpha = run("prune", "--model", "fmnist-vgg", "--finetune-epochs", "1", "--distill-from-original", "--distill-alpha", "2", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badAlpha.code());
        assertTrue(badAlpha.err().contains("--distill-alpha"), badAlpha.err());
        CliRun badDecay = run("prune", "--model", "fmnist-vgg", "--finetune-epochs", "1", "--finetune-weight-decay", "-1", "--target-flops", "0.5", "--out", out);
        assertEquals(3, badDecay.code());
        assertTrue(badDecay.err().contains("--finetune-weight-decay"), badDecay.err());
        CliRun bothModes = run("prune", "--model", "fmnist-vgg", "--target-flops", "0.5", "--adaptive", "--fixed-rate", "0.1", "--out", out);
        assertEquals(2, bothModes.code());
        CliRun badRate = run("prune", "--model", "fmnist-vgg", "--target-flops", "0.5", "--fixed-rate", "0", "--out", out);
        assertEquals(3, badRate.code());
        CliRun badPoints = run("prune-compare", "--model", "fmnist-vgg", "--points", "0.5,0.3", "--out", out);
        assertEquals(3, badPoints.code());
        assertTrue(badPoints.err().contains("ascending"), badPoints.err());
        CliRun wrongInput = run("prune", "--model", "resnet18", "--target-flops", "0.5", "--out", out);
        assertEquals(3, wrongInput.code());
        assertTrue(wrongInput.err().contains("Fashion-MNIST images are [28, 28, 1]"), wrongInput.err());
        assertEquals(0, run("prune", "--help").code());
        assertEquals(0, run("prune-compare", "--help").code());
        assertEquals(0, run("bench-pruned", "--help").code());
        CliRun notPruned = run("bench-pruned", "--model", "fmnist-vgg", "--pruned", "resnet18");
        assertEquals(3, notPruned.code());
        assertTrue(notPruned.err().contains("not a pruned version"), notPruned.err());
    }

    @Test
    void pruneWritesASmallerModelAndItsReportThenCompareAndBenchRunOnIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("pruned");
        CliRun r = run("prune", "--model", "fmnist-vgg", "--criterion", "l1", "--samples-per-class", "1", "--validation", "200", "--test-images", "300",
                "--target-flops", "0.2", "--fixed-rate", "0.1", "--normalisation", "mean", "--layer-floor", "0.25", "--bn-reestimate", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode rep = JSON.readTree(r.out());
        assertTrue(rep.path("mode").asText().contains("mean normalisation, layer floor 0.25, batch-norm re-estimation"), r.out());
        assertTrue(r.err().contains("re-estimating batch-norm statistics"), r.err());
        assertTrue(rep.path("flopsRemoved").asDouble() >= 0.2, r.out());
        assertTrue(r.err().contains("step 1: rate 0.100"), "progress per step: " + r.err());
        Model p = ModelFormat.read(out);
        assertTrue(p.nodes().stream().noneMatch(n -> n.op() instanceof io.edgefuse.model.Op.BatchNorm), "written with its batch norms folded");
        assertEquals(rep.path("prunedFlops").asLong(), p.totalCost().flops());
        assertTrue(p.totalCost().flops() <= 0.8 * Zoo.graph("fmnist-vgg").totalCost().flops());
        assertTrue(Files.exists(out.resolve("pruning.json")));
        assertTrue(rep.path("steps").size() >= 2);

        Path cmp = dir.resolve("cmp");
        CliRun c = run("prune-compare", "--model", "fmnist-vgg", "--criteria", "l1,random", "--samples-per-class", "1", "--validation", "200", "--test-images", "300",
                "--points", "0.1,0.2", "--fixed-rate", "0.1", "--mean-compensation", "--out", cmp.toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("test % @10%") && c.out().contains("random"), c.out());
        JsonNode report = JSON.readTree(cmp.resolve("report.json").toFile());
        for (String k : new String[] {"l1", "random"}) {
            JsonNode pts = report.path("criteria").path(k).path("points");
            assertEquals(2, pts.size(), k);
            assertTrue(pts.get(1).path("flopsRemoved").asDouble() >= 0.2 - 1e-9);
            assertTrue(Files.exists(cmp.resolve(pts.get(1).path("folder").asText()).resolve("model.json")));
        }
        assertTrue(Files.readString(cmp.resolve("accuracy-vs-flops.svg")).contains("<polyline"));

        // Loss-calibrated ranking, then fine-tuning on a few batches with the default recipe: distilled from the original, no weight decay.
        Path lossOut = dir.resolve("loss");
        CliRun l = run("prune", "--model", "fmnist-vgg", "--criterion", "taylor", "--samples-per-class", "1", "--validation", "200", "--test-images", "300",
                "--target-flops", "0.1", "--fixed-rate", "0.1", "--normalisation", "loss", "--bn-reestimate", "--finetune-epochs", "1", "--finetune-images", "512",
                "--finetune-lr", "5e-4", "--out", lossOut.toString(), "--json");
        assertEquals(0, l.code(), l.err());
        JsonNode lr = JSON.readTree(l.out());
        assertTrue(lr.path("mode").asText().contains("loss normalisation (probe 0.10 of each layer, ce, unmeasured: floor)"), l.out());
        assertTrue(l.err().contains("loss probe (ce; reference loss"), l.err());
        assertTrue(l.err().contains("fine-tuning 1 epoch(s) on 512 images (Adam, lr 5.0e-04, cosine, weight decay 0.0e+00, distilled from the original (alpha 0.70, T 4.0))"), l.err());
        assertTrue(lr.path("finetunedValAccuracy").isNumber() && lr.path("finetuning").asText().contains("distilled"), l.out());
        CliRun plain = run("prune", "--model", "fmnist-vgg", "--criterion", "l1", "--validation", "200", "--test-images", "300", "--target-flops", "0.1",
                "--fixed-rate", "0.1", "--finetune-epochs", "1", "--finetune-images", "256", "--no-distill-from-original", "--finetune-weight-decay", "5e-4",
                "--out", dir.resolve("plain").toString());
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.err().contains("fine-tuning 1 epoch(s) on 256 images (Adam, lr 1.0e-03, cosine, weight decay 5.0e-04)"), plain.err());

        CliRun b = run("bench-pruned", "--model", "fmnist-vgg", "--pruned", out.toString(), "--warmup", "1", "--iterations", "3", "--json");
        assertEquals(0, b.code(), b.err());
        assertTrue(JSON.readTree(b.out()).path("pruned").path("msPerImage").asDouble() > 0);
    }
}
