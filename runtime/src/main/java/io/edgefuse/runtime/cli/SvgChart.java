package io.edgefuse.runtime.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Small self-contained SVG charts: horizontal bars with whiskers, and lines over a sequence. */
final class SvgChart {
    private static final String[] COLORS = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"};

    record Bar(String label, double value, double high, String note) {}

    record Series(String label, List<Double> values) {}

    /** A curve through (x, y) points; dashed draws it dashed in the colour of the same index. */
    record Curve(String label, List<double[]> points, boolean dashed) {}

    private SvgChart() {}

    /** Bars (value) with a whisker to high, an optional dashed reference line, values in the unit. */
    static String bars(String title, String unit, List<Bar> bars, double reference, String referenceLabel) {
        int left = 130, right = 60, top = 60, rowH = 34, width = 900;
        int height = top + rowH * bars.size() + 60;
        double max = Double.isFinite(reference) ? reference : 0;
        for (Bar b : bars) max = Math.max(max, Math.max(b.value, b.high));
        max = niceCeil(max);
        double plotW = width - left - right;
        StringBuilder s = header(width, height, title);
        axis(s, left, top + rowH * bars.size(), plotW, max, unit);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = top + i * rowH + 6;
            double w = b.value / max * plotW;
            s.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' text-anchor='end' font-size='13'>%s</text>%n", left - 8, y + 15, esc(b.label)));
            s.append(String.format(Locale.ROOT, "<rect x='%d' y='%.1f' width='%.1f' height='20' fill='%s'/>%n", left, y, w, COLORS[i % COLORS.length]));
            if (b.high > b.value) {
                double xh = left + b.high / max * plotW;
                s.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#333'/>%n", left + w, y + 10, xh, y + 10));
                s.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#333'/>%n", xh, y + 4, xh, y + 16));
            }
            s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' font-size='12'>%s</text>%n", left + Math.max(w, b.high / max * plotW) + 6, y + 15, esc(b.note)));
        }
        if (reference > 0) {
            double x = left + reference / max * plotW;
            s.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#c00' stroke-dasharray='5,4'/>%n", x, top - 6, x, top + rowH * bars.size()));
            s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11' fill='#c00' text-anchor='middle'>%s</text>%n", x, top - 10, esc(referenceLabel)));
        }
        return s.append("</svg>\n").toString();
    }

    /** One line per series over the request index. */
    static String lines(String title, String yUnit, List<Series> series) {
        int left = 70, right = 150, top = 60, bottom = 50, width = 900, height = 440;
        double max = 0;
        int n = 0;
        for (Series se : series) {
            for (double v : se.values) max = Math.max(max, v);
            n = Math.max(n, se.values.size());
        }
        max = niceCeil(max);
        double plotW = width - left - right, plotH = height - top - bottom;
        StringBuilder s = header(width, height, title);
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4, y = top + plotH - plotH * t / 4;
            s.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ddd'/>%n", left, y, left + plotW, y));
            s.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%s</text>%n", left - 6, y + 4, fmt(v)));
        }
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='12'>%s</text>%n", 10, top - 14, esc(yUnit)));
        s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='12' text-anchor='middle'>request</text>%n", left + plotW / 2, height - 12));
        for (int k : new int[] {0, (n - 1) / 2, n - 1}) {
            if (n <= 1 && k > 0) break;
            double x = left + (n <= 1 ? 0 : plotW * k / (n - 1));
            s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' font-size='11' text-anchor='middle'>%d</text>%n", x, top + plotH + 16, k + 1));
        }
        for (int i = 0; i < series.size(); i++) {
            Series se = series.get(i);
            StringBuilder pts = new StringBuilder();
            for (int k = 0; k < se.values.size(); k++) {
                double x = left + (n <= 1 ? 0 : plotW * k / (n - 1));
                double y = top + plotH - se.values.get(k) / max * plotH;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            String color = COLORS[i % COLORS.length];
            s.append(String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='2' points='%s'/>%n", color, pts.toString().trim()));
            s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='12' fill='%s'>%s</text>%n", left + plotW + 10, top + 16 * i + 10, color, esc(se.label)));
        }
        return s.append("</svg>\n").toString();
    }

    /**
     * Curves over a numeric x axis (e.g. accuracy against FLOPs removed), with point markers. The y axis
     * spans [yMin, yMax] so that small differences stay visible; colours follow the curve index modulo
     * {@code colourGroups} (so a dashed variant can share its solid curve's colour).
     */
    static String xy(String title, String xUnit, String yUnit, List<Curve> curves, double xMax, double yMin, double yMax, int colourGroups) {
        int left = 70, right = 190, top = 60, bottom = 50, width = 900, height = 480;
        double plotW = width - left - right, plotH = height - top - bottom;
        StringBuilder s = header(width, height, title);
        for (int t = 0; t <= 5; t++) {
            double v = yMin + (yMax - yMin) * t / 5, y = top + plotH - plotH * t / 5;
            s.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ddd'/>%n", left, y, left + plotW, y));
            s.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%s</text>%n", left - 6, y + 4, fmt(v)));
            double xv = xMax * t / 5, x = left + plotW * t / 5;
            s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' font-size='11' text-anchor='middle'>%s</text>%n", x, top + plotH + 16, fmt(xv)));
        }
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='12'>%s</text>%n", 10, top - 14, esc(yUnit)));
        s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='12' text-anchor='middle'>%s</text>%n", left + plotW / 2, height - 12, esc(xUnit)));
        for (int i = 0; i < curves.size(); i++) {
            Curve c = curves.get(i);
            String color = COLORS[(i % Math.max(1, colourGroups)) % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : c.points) {
                double x = left + plotW * p[0] / xMax;
                double y = top + plotH - plotH * (Math.max(yMin, Math.min(yMax, p[1])) - yMin) / (yMax - yMin);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                s.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>%n", x, y, color));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='2'%s points='%s'/>%n", color,
                    c.dashed ? " stroke-dasharray='6,4'" : "", pts.toString().trim()));
            s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='12' fill='%s'>%s</text>%n", left + plotW + 10, top + 16 * i + 10, color, esc(c.label)));
        }
        return s.append("</svg>\n").toString();
    }

    static void write(Path file, String svg) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.writeString(file, svg, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write chart " + file + ": " + e.getMessage());
        }
    }

    private static StringBuilder header(int w, int h, String title) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0 %d %d' font-family='sans-serif'>%n", w, h, w, h));
        s.append(String.format(Locale.ROOT, "<rect width='%d' height='%d' fill='white'/>%n", w, h));
        s.append(String.format(Locale.ROOT, "<text x='%d' y='24' font-size='14' font-weight='bold'>%s</text>%n", 10, esc(title)));
        return s;
    }

    private static void axis(StringBuilder s, int left, int y, double plotW, double max, String unit) {
        for (int t = 0; t <= 5; t++) {
            double x = left + plotW * t / 5;
            s.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>%n", x, 54, x, y));
            s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%s</text>%n", x, y + 16, fmt(max * t / 5)));
        }
        s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='12' text-anchor='middle'>%s</text>%n", left + plotW / 2, y + 36, esc(unit)));
    }

    private static double niceCeil(double v) {
        if (v <= 0) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }

    private static String fmt(double v) {
        if (v == 0) return "0";
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }
}
