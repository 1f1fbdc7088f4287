package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One list of every removable filter of a model, least important first. The unit is a filter index of
 * a {@link ChannelGroups.Group}: a plain conv's filter, or the index all convs tied by residual adds lose
 * together. Its score is the mean of the members' per-layer normalised scores at that index, so a group
 * competes like one layer: with the sum, a group of m convs would score about m times a plain layer's
 * filters and residual channels would hardly ever be pruned. {@link RankingConfig} chooses the
 * normalisation (per layer, or calibrated by a loss probe), an optional weighing by the FLOPs a unit saves (divided by them, or a penalty
 * subtracted), and a floor on each group's width;
 * all criteria are ranked the same way.
 */
public final class GlobalRanking {
    /** Filter {@code filter} of every conv of {@code group}. */
    public record Unit(ChannelGroups.Group group, int filter, double score) {
        /** The conv the removal request names (FilterRemoval applies it to the whole group). */
        public String conv() {
            return group.convs().get(0);
        }
    }

    /**
     * What the loss probe measured for one group ({@link Normalisation#LOSS}).
     *
     * @param probed how many of its lowest-ranked units the probe removed
     * @param lossIncrease the measured loss increase (may be negative)
     * @param scale the factor its normalised scores were multiplied by
     */
    public record Calibration(int probed, double lossIncrease, double scale) {}

    private final List<Unit> units;
    /** Per group (by its first conv): how many filters must stay. */
    private final Map<String, Integer> minKept;
    private final Map<String, Calibration> calibration;

    private GlobalRanking(List<Unit> units, Map<String, Integer> minKept, Map<String, Calibration> calibration) {
        this.units = units;
        this.minKept = minKept;
        this.calibration = calibration;
    }

    /** Sum-normalised, no cost weighting, no floor. @param scores raw criterion scores */
    public static GlobalRanking of(Model m, FilterScores scores) {
        return of(m, scores, RankingConfig.sum(), Map.of());
    }

    /** As {@link #of(Model, FilterScores, RankingConfig, Map, LossProbe)} for a ranking that needs no probe. */
    public static GlobalRanking of(Model m, FilterScores scores, RankingConfig cfg, Map<String, Integer> originalWidths) {
        return of(m, scores, cfg, originalWidths, null);
    }

    /**
     * @param scores raw criterion scores; normalised per layer here
     * @param originalWidths filters per conv in the model before pruning began (for the layer floor; a conv
     *     missing from it counts with its current width)
     * @param probe measures the loss increase of removing filters of {@code m}; required by {@link Normalisation#LOSS}
     */
    public static GlobalRanking of(Model m, FilterScores scores, RankingConfig cfg, Map<String, Integer> originalWidths, LossProbe probe) {
        if (cfg.probesLoss() && probe == null) throw new IllegalArgumentException("loss-calibrated ranking needs a loss probe");
        FilterScores norm = scores.normalised(cfg.normalisation());
        List<ChannelGroups.Group> groups = new ArrayList<>();
        for (ChannelGroups.Group g : ChannelGroups.of(m).groups()) if (g.prunable()) groups.add(g);
        Map<ChannelGroups.Group, Double> cost = cfg.weighsFlops() ? relativeCosts(m, groups) : Map.of();
        Map<String, Integer> min = new HashMap<>();
        Map<ChannelGroups.Group, double[]> unitScores = new LinkedHashMap<>();
        for (ChannelGroups.Group g : groups) {
            double[] sum = new double[g.filters()];
            for (String conv : g.convs()) {
                double[] s = norm.scores(conv);
                for (int f = 0; f < sum.length; f++) sum[f] += s[f];
            }
            for (int f = 0; f < sum.length; f++) sum[f] /= g.convs().size();
            unitScores.put(g, sum);
            int width0 = originalWidths.getOrDefault(g.convs().get(0), g.filters());
            min.put(g.convs().get(0), Math.max(1, (int) Math.ceil(cfg.layerFloor() * width0 - 1e-9)));
        }
        Map<String, Calibration> cal = cfg.probesLoss() ? calibrate(unitScores, min, cfg.probeFraction(), probe, cfg.probeUnmeasured()) : Map.of();
        List<Unit> all = new ArrayList<>();
        for (Map.Entry<ChannelGroups.Group, double[]> e : unitScores.entrySet()) {
            ChannelGroups.Group g = e.getKey();
            double c = cost.getOrDefault(g, 1.0);
            double[] sum = e.getValue();
            for (int f = 0; f < sum.length; f++) {
                double s = sum[f];
                all.add(new Unit(g, f, cfg.costAware() ? s / c : s - cfg.flopsPenalty() * c));
            }
        }
        // Stable sort: ties stay in model order, then filter index.
        all.sort(Comparator.comparingDouble(Unit::score));
        return new GlobalRanking(List.copyOf(all), Map.copyOf(min), Map.copyOf(cal));
    }

    /**
     * Scales each group's scores in place so that the scores of its k lowest units add up to the loss the
     * probe measures when exactly those k are removed: k = probe fraction of its filters (at least 1, at most
     * what its floor lets go). A per-layer normalisation says how a layer's filters compare with each other,
     * not what they are worth against another layer's; Taylor's scores are in units of loss, LRP's are not,
     * and this puts every criterion in the same units. A group with nothing removable is not probed.
     * An increase at or below a small floor (a removal that costs nothing, or lowers the loss on these
     * samples) says nothing about the exchange rate: {@link LossProbe.Unmeasured} decides what the group
     * gets instead. Either way the scale stays positive and the criterion's order within the layer is kept.
     */
    private static Map<String, Calibration> calibrate(Map<ChannelGroups.Group, double[]> unitScores, Map<String, Integer> min, double fraction,
            LossProbe probe, LossProbe.Unmeasured unmeasured) {
        double floor = Math.max(1e-3 * probe.baseLoss(), 1e-9);
        Map<ChannelGroups.Group, Probed> measured = new LinkedHashMap<>();
        List<Double> scales = new ArrayList<>();
        for (Map.Entry<ChannelGroups.Group, double[]> e : unitScores.entrySet()) {
            ChannelGroups.Group g = e.getKey();
            double[] s = e.getValue();
            int room = g.filters() - min.get(g.convs().get(0));
            if (room <= 0) continue;
            int k = Math.min(room, Math.max(1, (int) Math.round(fraction * g.filters())));
            Integer[] order = new Integer[s.length];
            for (int f = 0; f < order.length; f++) order[f] = f;
            java.util.Arrays.sort(order, Comparator.comparingDouble(f -> s[f]));
            Set<Integer> probed = new TreeSet<>();
            double mass = 0, absMass = 0;
            for (int i = 0; i < k; i++) {
                probed.add(order[i]);
                mass += s[order[i]];
                absMass += Math.abs(s[order[i]]);
            }
            // Scores of the probed units that cancel or are all zero: fall back to their magnitude, then to 1 each.
            if (!(mass > 0)) mass = absMass > 0 ? absMass : k;
            double increase = probe.increase(Map.of(g.convs().get(0), probed));
            measured.put(g, new Probed(k, increase, mass));
            if (increase > floor) scales.add(increase / mass);
        }
        double median = Double.NaN;
        if (!scales.isEmpty()) {
            java.util.Collections.sort(scales);
            int n = scales.size();
            median = n % 2 == 1 ? scales.get(n / 2) : (scales.get(n / 2 - 1) + scales.get(n / 2)) / 2;
        }
        Map<String, Calibration> out = new LinkedHashMap<>();
        for (Map.Entry<ChannelGroups.Group, Probed> e : measured.entrySet()) {
            double increase = e.getValue().increase(), mass = e.getValue().mass();
            double scale = increase > floor ? increase / mass
                    : unmeasured == LossProbe.Unmeasured.MEDIAN && !Double.isNaN(median) ? median : floor / mass;
            double[] s = unitScores.get(e.getKey());
            for (int f = 0; f < s.length; f++) s[f] *= scale;
            out.put(e.getKey().convs().get(0), new Calibration(e.getValue().units(), increase, scale));
        }
        return out;
    }

    /** One group's probe: how many units, the measured increase, and their scores' mass before calibration. */
    private record Probed(int units, double increase, double mass) {}

    /** What the loss probe measured, by group (its first conv); empty unless the ranking is loss-calibrated. */
    public Map<String, Calibration> calibration() {
        return calibration;
    }

    /**
     * FLOPs one unit of each group saves (removing filter 0 for real: its own output channel and every
     * consumer's input slice, in every conv of a residual group), divided by the mean over groups, so a
     * typical unit costs about 1. Measured on the model being ranked, so it follows the pruning: a layer
     * whose consumer has lost half its filters saves half as much downstream.
     */
    private static Map<ChannelGroups.Group, Double> relativeCosts(Model m, List<ChannelGroups.Group> groups) {
        long total = m.totalCost().flops();
        Map<ChannelGroups.Group, Double> saved = new HashMap<>();
        double mean = 0;
        int n = 0;
        for (ChannelGroups.Group g : groups) {
            if (g.filters() < 2) continue;
            double s = total - FilterRemoval.remove(m, Map.of(g.convs().get(0), Set.of(0))).totalCost().flops();
            saved.put(g, s);
            mean += s;
            n++;
        }
        if (n == 0) return Map.of();
        mean /= n;
        Map<ChannelGroups.Group, Double> r = new HashMap<>();
        for (Map.Entry<ChannelGroups.Group, Double> e : saved.entrySet()) r.put(e.getKey(), Math.max(e.getValue(), 1) / Math.max(mean, 1));
        return r;
    }

    private int minKept(Unit u) {
        return minKept.getOrDefault(u.conv(), 1);
    }

    /** Every unit, least important first. */
    public List<Unit> units() {
        return units;
    }

    /** How many units may go in total: every group keeps at least one filter, and its floor. */
    public int removable() {
        Set<ChannelGroups.Group> seen = new HashSet<>();
        int n = 0;
        for (Unit u : units) {
            if (seen.add(u.group())) n += Math.max(0, u.group().filters() - minKept(u));
        }
        return n;
    }

    /** {@link #removable()} of a model, without scores. */
    public static int removable(Model m) {
        int n = 0;
        for (ChannelGroups.Group g : ChannelGroups.of(m).groups()) if (g.prunable()) n += g.filters() - 1;
        return n;
    }

    /**
     * As {@link #lowest(int)}, then each group's kept filter count rounded to the nearest multiple of
     * {@code multiple} (at least one multiple): oneDNN's convolution kernels work in blocks of 8 or 16
     * channels, and a layer of 43 channels can run slower than one of 64. A group rounded up gives back
     * its most important picks; rounded down it loses its next least important filters. If rounding
     * leaves nothing to remove, the group of the least important unit loses one multiple.
     */
    public Map<String, Set<Integer>> lowest(int count, int multiple) {
        if (multiple <= 1) return lowest(count);
        Map<String, Set<Integer>> picked = lowest(count);
        Map<String, List<Unit>> byGroup = new HashMap<>();
        for (Unit u : units) byGroup.computeIfAbsent(u.conv(), k -> new ArrayList<>()).add(u);
        Map<String, Set<Integer>> r = new HashMap<>();
        for (Map.Entry<String, List<Unit>> e : byGroup.entrySet()) {
            int n = e.getValue().get(0).group().filters();
            int chosen = picked.getOrDefault(e.getKey(), Set.of()).size();
            int floor = (minKept(e.getValue().get(0)) + multiple - 1) / multiple * multiple;
            int kept = Math.min(n, Math.max(Math.max(multiple, floor), (int) Math.round((n - chosen) / (double) multiple) * multiple));
            take(r, e.getKey(), e.getValue(), n - kept);
        }
        if (r.isEmpty() && count > 0) {
            for (Unit u : units) {
                int n = u.group().filters(), kept = ((n - 1) / multiple) * multiple;
                if (kept >= multiple && kept >= minKept(u)) {
                    take(r, u.conv(), byGroup.get(u.conv()), n - kept);
                    break;
                }
            }
        }
        return r;
    }

    private static void take(Map<String, Set<Integer>> r, String conv, List<Unit> ranked, int n) {
        if (n <= 0) return;
        Set<Integer> s = new TreeSet<>();
        for (int i = 0; i < n; i++) s.add(ranked.get(i).filter());
        r.put(conv, s);
    }

    /**
     * The removal request for the {@code count} least important units, skipping any that would take a
     * group's last filter or take it below its floor.
     */
    public Map<String, Set<Integer>> lowest(int count) {
        Map<String, Set<Integer>> r = new HashMap<>();
        int taken = 0;
        for (Unit u : units) {
            if (taken == count) break;
            Set<Integer> s = r.computeIfAbsent(u.conv(), k -> new TreeSet<>());
            if (s.size() + minKept(u) >= u.group().filters()) continue;
            s.add(u.filter());
            taken++;
        }
        r.values().removeIf(Set::isEmpty);
        return r;
    }
}
