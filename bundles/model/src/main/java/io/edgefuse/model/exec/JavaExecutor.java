package io.edgefuse.model.exec;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Window;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The reference executor: plain loops over global coordinates, written to be obviously right rather
 * than fast. Every other executor is checked against it. Padding is applied only where a window falls
 * off the real feature map; everything else is read from the tile's input.
 */
public final class JavaExecutor implements Executor {

    @Override
    public String name() {
        return "java";
    }

    @Override
    public Tensor run(Model m, Stage stage, RegionTensor input, Region out) {
        StageGeometry geo = StageGeometry.of(m, stage, out);
        if (geo.inputRegion() != null && !input.extent().contains(geo.inputRegion())) {
            throw new ModelException("stage " + stage.describe(m) + " needs input " + geo.inputRegion() + ", got " + input.extent());
        }
        RegionTensor[] values = new RegionTensor[stage.size()];
        for (int i = stage.first(); i <= stage.last(); i++) {
            Region r = geo.regionOf(i);
            if (stage.tileable() && r == null) continue;
            Node n = m.node(i);
            List<RegionTensor> ins = new ArrayList<>();
            for (String x : n.inputs()) {
                int j = m.indexOf(x);
                ins.add(stage.contains(j) ? values[j - stage.first()] : input);
            }
            try {
                values[i - stage.first()] = stage.tileable() ? new RegionTensor(r, runSpatial(m, i, ins, r)) : RegionTensor.whole(runWhole(m, i, ins));
            } catch (ModelException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ModelException("java executor failed at node '" + n.name() + "': " + e, e);
            }
        }
        return values[stage.size() - 1].tensor();
    }

    /** Non-tileable stages: whole tensors, maps or vectors. */
    private static Tensor runWhole(Model m, int i, List<RegionTensor> ins) {
        Node n = m.node(i);
        Op op = n.op();
        Tensor x = ins.get(0).tensor();
        if (x.rank() == 3 && op.spatial()) {
            Region full = new Region(0, x.dim(0), 0, x.dim(1));
            List<RegionTensor> wrapped = new ArrayList<>();
            for (RegionTensor t : ins) wrapped.add(new RegionTensor(full, t.tensor()));
            return runSpatial(m, i, wrapped, Region.full(m.shape(i)));
        }
        if (op instanceof Op.GlobalAvgPool) {
            int h = x.dim(0), w = x.dim(1), c = x.dim(2);
            double[] sum = new double[c];
            float[] d = x.data();
            for (int p = 0; p < h * w; p++) {
                for (int k = 0; k < c; k++) sum[k] += d[p * c + k];
            }
            Tensor out = Tensor.zeros(c);
            for (int k = 0; k < c; k++) out.data()[k] = (float) (sum[k] / (h * w));
            return out;
        }
        if (op instanceof Op.Flatten) return x.reshape(x.size());
        if (op instanceof Op.Dense d) {
            float[] w = m.weight(n.name() + ".weight").data();
            int in = x.size(), units = d.units();
            float[] acc = new float[units];
            if (d.bias()) System.arraycopy(m.weight(n.name() + ".bias").data(), 0, acc, 0, units);
            float[] xd = x.data();
            for (int j = 0; j < in; j++) {
                float a = xd[j];
                if (a == 0) continue;
                int base = j * units;
                for (int u = 0; u < units; u++) acc[u] += a * w[base + u];
            }
            return new Tensor(new int[] {units}, acc);
        }
        if (op instanceof Op.Softmax) {
            float[] v = x.data();
            float max = Float.NEGATIVE_INFINITY;
            for (float f : v) max = Math.max(max, f);
            double sum = 0;
            float[] o = new float[v.length];
            for (int k = 0; k < v.length; k++) {
                o[k] = (float) Math.exp(v[k] - max);
                sum += o[k];
            }
            for (int k = 0; k < v.length; k++) o[k] = (float) (o[k] / sum);
            return new Tensor(x.shape(), o);
        }
        if (op instanceof Op.Relu || op instanceof Op.Relu6 || op instanceof Op.LeakyRelu) {
            Tensor o = x.copy();
            pointwise(op, o.data());
            return o;
        }
        throw new ModelException("node '" + n.name() + "': " + op.name() + " cannot run on a vector");
    }

    private static Tensor runSpatial(Model m, int i, List<RegionTensor> ins, Region r) {
        Node n = m.node(i);
        Op op = n.op();
        int c = m.shape(i).c();
        Tensor out = Tensor.zeros(r.height(), r.width(), c);
        if (op instanceof Op.Conv2D conv) {
            conv(m, n, conv, m.window(i), ins.get(0), r, out);
        } else if (op instanceof Op.MaxPool || op instanceof Op.AvgPool) {
            pool(op instanceof Op.MaxPool, m.window(i), ins.get(0), m.shapeOf(n.input()).h(), m.shapeOf(n.input()).w(), r, out);
        } else if (op instanceof Op.Reorg rg) {
            reorg(rg.stride(), ins.get(0), r, out);
        } else if (op instanceof Op.Concat) {
            int off = 0;
            for (RegionTensor t : ins) {
                Tensor part = t.crop(r);
                int pc = part.dim(2);
                for (int p = 0; p < r.area(); p++) System.arraycopy(part.data(), p * pc, out.data(), p * c + off, pc);
                off += pc;
            }
        } else if (op instanceof Op.Add) {
            float[] o = out.data();
            for (RegionTensor t : ins) {
                float[] d = t.crop(r).data();
                for (int k = 0; k < o.length; k++) o[k] += d[k];
            }
        } else if (op instanceof Op.BatchNorm bn) {
            float[] d = ins.get(0).crop(r).data();
            float[] g = m.weight(n.name() + ".gamma").data(), b = m.weight(n.name() + ".beta").data();
            float[] mu = m.weight(n.name() + ".mean").data(), var = m.weight(n.name() + ".variance").data();
            float[] scale = new float[c], shift = new float[c];
            for (int k = 0; k < c; k++) {
                scale[k] = (float) (g[k] / Math.sqrt(var[k] + bn.epsilon()));
                shift[k] = b[k] - mu[k] * scale[k];
            }
            float[] o = out.data();
            for (int k = 0; k < o.length; k++) o[k] = d[k] * scale[k % c] + shift[k % c];
        } else if (op instanceof Op.Relu || op instanceof Op.Relu6 || op instanceof Op.LeakyRelu) {
            float[] d = ins.get(0).crop(r).data();
            System.arraycopy(d, 0, out.data(), 0, d.length);
            pointwise(op, out.data());
        } else {
            throw new ModelException("node '" + n.name() + "': " + op.name() + " is not a spatial op");
        }
        return out;
    }

    private static void pointwise(Op op, float[] d) {
        if (op instanceof Op.Relu) {
            for (int k = 0; k < d.length; k++) d[k] = Math.max(d[k], 0f);
        } else if (op instanceof Op.Relu6) {
            for (int k = 0; k < d.length; k++) d[k] = Math.min(Math.max(d[k], 0f), 6f);
        } else if (op instanceof Op.LeakyRelu lr) {
            float a = (float) lr.alpha();
            for (int k = 0; k < d.length; k++) d[k] = d[k] >= 0 ? d[k] : a * d[k];
        }
    }

    private static void conv(Model m, Node n, Op.Conv2D conv, Window w, RegionTensor in, Region r, Tensor out) {
        Region e = in.extent();
        int inH = m.shapeOf(n.input()).h(), inW = m.shapeOf(n.input()).w();
        int cin = in.tensor().dim(2), cout = conv.filters();
        int cpg = cin / conv.groups(), opg = cout / conv.groups();
        float[] wt = m.weight(n.name() + ".weight").data();
        float[] bias = conv.bias() ? m.weight(n.name() + ".bias").data() : null;
        float[] src = in.tensor().data(), dst = out.data();
        int ew = e.width();
        IntStream.range(0, r.height()).parallel().forEach(oy -> {
            int y = r.top() + oy;
            for (int ox = 0; ox < r.width(); ox++) {
                int x = r.left() + ox;
                int ob = (oy * r.width() + ox) * cout;
                if (bias != null) System.arraycopy(bias, 0, dst, ob, cout);
                for (int ky = 0; ky < w.kh(); ky++) {
                    int gy = y * w.sh() - w.pt() + ky;
                    if (gy < 0 || gy >= inH) continue;
                    for (int kx = 0; kx < w.kw(); kx++) {
                        int gx = x * w.sw() - w.pl() + kx;
                        if (gx < 0 || gx >= inW) continue;
                        int ib = ((gy - e.top()) * ew + (gx - e.left())) * cin;
                        int wb = (ky * w.kw() + kx) * cpg * cout;
                        for (int g = 0; g < conv.groups(); g++) {
                            for (int ci = 0; ci < cpg; ci++) {
                                float a = src[ib + g * cpg + ci];
                                if (a == 0) continue;
                                int wr = wb + ci * cout + g * opg;
                                int od = ob + g * opg;
                                for (int o = 0; o < opg; o++) dst[od + o] += a * wt[wr + o];
                            }
                        }
                    }
                }
            }
        });
    }

    private static void pool(boolean max, Window w, RegionTensor in, int inH, int inW, Region r, Tensor out) {
        Region e = in.extent();
        int c = in.tensor().dim(2), ew = e.width();
        float[] src = in.tensor().data(), dst = out.data();
        float[] acc = new float[c];
        for (int oy = 0; oy < r.height(); oy++) {
            for (int ox = 0; ox < r.width(); ox++) {
                java.util.Arrays.fill(acc, max ? Float.NEGATIVE_INFINITY : 0f);
                int count = 0;
                for (int ky = 0; ky < w.kh(); ky++) {
                    int gy = (r.top() + oy) * w.sh() - w.pt() + ky;
                    if (gy < 0 || gy >= inH) continue;
                    for (int kx = 0; kx < w.kw(); kx++) {
                        int gx = (r.left() + ox) * w.sw() - w.pl() + kx;
                        if (gx < 0 || gx >= inW) continue;
                        int ib = ((gy - e.top()) * ew + (gx - e.left())) * c;
                        count++;
                        for (int k = 0; k < c; k++) acc[k] = max ? Math.max(acc[k], src[ib + k]) : acc[k] + src[ib + k];
                    }
                }
                int ob = (oy * r.width() + ox) * c;
                for (int k = 0; k < c; k++) dst[ob + k] = max ? acc[k] : (count == 0 ? 0f : acc[k] / count);
            }
        }
    }

    private static void reorg(int s, RegionTensor in, Region r, Tensor out) {
        Region e = in.extent();
        int c = in.tensor().dim(2), ew = e.width(), oc = c * s * s;
        float[] src = in.tensor().data(), dst = out.data();
        for (int oy = 0; oy < r.height(); oy++) {
            for (int ox = 0; ox < r.width(); ox++) {
                for (int dy = 0; dy < s; dy++) {
                    for (int dx = 0; dx < s; dx++) {
                        int gy = (r.top() + oy) * s + dy, gx = (r.left() + ox) * s + dx;
                        int ib = ((gy - e.top()) * ew + (gx - e.left())) * c;
                        int ob = (oy * r.width() + ox) * oc + (dy * s + dx) * c;
                        System.arraycopy(src, ib, dst, ob, c);
                    }
                }
            }
        }
    }
}
