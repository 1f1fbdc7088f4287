package io.edgefuse.model;

import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks a graph and its weights and infers every node's shape and window; errors name the node at fault. */
final class ModelValidator {

    record Result(Shape[] shapes, Window[] windows) {}

    private ModelValidator() {}

    static Result validate(Model m) {
        return validate(m, true);
    }

    /** With checkWeights false only the graph is checked (for {@link Model#graphOnly}). */
    static Result validate(Model m, boolean checkWeights) {
        List<Node> nodes = m.nodes();
        if (nodes.isEmpty()) throw new ModelException("model '" + m.name() + "' has no nodes");
        Map<String, Integer> pos = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            String n = nodes.get(i).name();
            if (n.equals(m.input().name())) throw new ModelException("node '" + n + "' has the input's name");
            if (pos.put(n, i) != null) throw new ModelException("duplicate node name '" + n + "'");
        }
        for (Node n : nodes) {
            if (n.inputs().isEmpty()) throw new ModelException("node '" + n.name() + "' (" + n.op().name() + ") has no inputs");
            for (String in : n.inputs()) {
                if (!in.equals(m.input().name()) && !pos.containsKey(in)) {
                    throw new ModelException("node '" + n.name() + "' reads '" + in + "', which is neither a node nor the input (dangling input)");
                }
            }
        }
        List<String> cycle = findCycle(nodes, pos);
        if (cycle != null) throw new ModelException("the graph has a cycle: " + String.join(" -> ", cycle));
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                Integer p = pos.get(in);
                if (p != null && p >= i) {
                    throw new ModelException("node '" + nodes.get(i).name() + "' reads '" + in + "', defined after it: nodes must be in topological order");
                }
            }
        }
        if (!pos.containsKey(m.output())) throw new ModelException("output '" + m.output() + "' is not a node");

        Shape[] shapes = new Shape[nodes.size()];
        Window[] windows = new Window[nodes.size()];
        Map<String, Shape> known = new HashMap<>();
        known.put(m.input().name(), m.input().shape());
        Map<String, int[]> expected = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            List<Shape> ins = new ArrayList<>();
            for (String in : n.inputs()) ins.add(known.get(in));
            try {
                windows[i] = windowOf(n.op(), ins.get(0));
                shapes[i] = infer(n, ins, windows[i], expected);
            } catch (ModelException e) {
                throw new ModelException("node '" + n.name() + "' (" + n.op().name() + "): " + e.getMessage(), e);
            }
            known.put(n.name(), shapes[i]);
        }
        if (checkWeights) checkWeights(m, expected);
        return new Result(shapes, windows);
    }

    private static Window windowOf(Op op, Shape in) {
        if (!op.spatial() || !in.isMap()) return op.spatial() ? Window.IDENTITY : null;
        if (op instanceof Op.Conv2D c) return Window.of(c.kh(), c.kw(), c.sh(), c.sw(), c.padding().resolve(in.h(), in.w(), c.kh(), c.kw(), c.sh(), c.sw()));
        if (op instanceof Op.MaxPool p) return Window.of(p.kh(), p.kw(), p.sh(), p.sw(), p.padding().resolve(in.h(), in.w(), p.kh(), p.kw(), p.sh(), p.sw()));
        if (op instanceof Op.AvgPool p) return Window.of(p.kh(), p.kw(), p.sh(), p.sw(), p.padding().resolve(in.h(), in.w(), p.kh(), p.kw(), p.sh(), p.sw()));
        if (op instanceof Op.Reorg r) return new Window(r.stride(), r.stride(), r.stride(), r.stride(), 0, 0, 0, 0);
        return Window.IDENTITY;
    }

    private static Shape infer(Node n, List<Shape> ins, Window w, Map<String, int[]> expected) {
        Op op = n.op();
        Shape in = ins.get(0);
        boolean multi = op instanceof Op.Add || op instanceof Op.Concat;
        if (!multi && ins.size() != 1) throw new ModelException("takes one input, got " + ins.size());
        if (multi && ins.size() < 2) throw new ModelException("needs at least two inputs, got " + ins.size());
        String p = n.name() + ".";
        if (op instanceof Op.Conv2D c) {
            requireMap(in);
            if (in.c() % c.groups() != 0) throw new ModelException("input channels " + in.c() + " not divisible by groups " + c.groups());
            expected.put(p + "weight", new int[] {c.kh(), c.kw(), in.c() / c.groups(), c.filters()});
            if (c.bias()) expected.put(p + "bias", new int[] {c.filters()});
            return spatialOut(in, w, c.filters());
        }
        if (op instanceof Op.MaxPool || op instanceof Op.AvgPool) {
            requireMap(in);
            return spatialOut(in, w, in.c());
        }
        if (op instanceof Op.Reorg r) {
            requireMap(in);
            if (in.h() % r.stride() != 0 || in.w() % r.stride() != 0) {
                throw new ModelException("input " + in + " is not divisible by stride " + r.stride());
            }
            return Shape.map(in.h() / r.stride(), in.w() / r.stride(), in.c() * r.stride() * r.stride());
        }
        if (op instanceof Op.BatchNorm) {
            for (String k : new String[] {"gamma", "beta", "mean", "variance"}) expected.put(p + k, new int[] {in.c()});
            return in;
        }
        if (op instanceof Op.Relu || op instanceof Op.Relu6 || op instanceof Op.LeakyRelu || op instanceof Op.Softmax) {
            if (op instanceof Op.Softmax && in.isMap()) throw new ModelException("softmax needs a vector, got " + in);
            return in;
        }
        if (op instanceof Op.Add) {
            for (Shape s : ins) {
                if (!s.equals(in)) throw new ModelException("shape mismatch: inputs " + ins);
            }
            return in;
        }
        if (op instanceof Op.Concat) {
            int c = 0;
            for (Shape s : ins) {
                requireMap(s);
                if (s.h() != in.h() || s.w() != in.w()) throw new ModelException("shape mismatch: concat inputs differ in H/W: " + ins);
                c += s.c();
            }
            return Shape.map(in.h(), in.w(), c);
        }
        if (op instanceof Op.GlobalAvgPool) {
            requireMap(in);
            return Shape.vector(in.c());
        }
        if (op instanceof Op.Flatten) {
            if (in.size() > Integer.MAX_VALUE) throw new ModelException("too large to flatten: " + in);
            return Shape.vector((int) in.size());
        }
        if (op instanceof Op.Dense d) {
            if (in.isMap()) throw new ModelException("dense needs a vector (flatten or global_avgpool first), got " + in);
            expected.put(p + "weight", new int[] {in.c(), d.units()});
            if (d.bias()) expected.put(p + "bias", new int[] {d.units()});
            return Shape.vector(d.units());
        }
        throw new ModelException("unsupported op " + op.name());
    }

    private static Shape spatialOut(Shape in, Window w, int channels) {
        if (w.kh() > in.h() + w.pt() + w.pb() || w.kw() > in.w() + w.pl() + w.pr()) {
            throw new ModelException("kernel " + w.kh() + "x" + w.kw() + " larger than padded input " + in);
        }
        return Shape.map(w.outH(in.h()), w.outW(in.w()), channels);
    }

    private static void requireMap(Shape s) {
        if (!s.isMap()) throw new ModelException("needs an [H, W, C] feature map, got " + s);
    }

    private static void checkWeights(Model m, Map<String, int[]> expected) {
        Map<String, Tensor> w = m.weights();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Tensor t = w.get(e.getKey());
            if (t == null) throw new ModelException("missing tensor '" + e.getKey() + "' of shape " + Arrays.toString(e.getValue()));
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new ModelException("tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(e.getValue()));
            }
        }
        for (String k : w.keySet()) {
            if (!expected.containsKey(k)) throw new ModelException("unexpected tensor '" + k + "': no node uses it");
        }
    }

    /** A cycle as a list of node names (first repeated last), or null. */
    private static List<String> findCycle(List<Node> nodes, Map<String, Integer> pos) {
        int n = nodes.size();
        int[] state = new int[n]; // 0 new, 1 on stack, 2 done
        for (int s = 0; s < n; s++) {
            if (state[s] != 0) continue;
            Deque<int[]> stack = new ArrayDeque<>();
            Deque<Integer> path = new ArrayDeque<>();
            stack.push(new int[] {s, 0});
            state[s] = 1;
            path.addLast(s);
            while (!stack.isEmpty()) {
                int[] top = stack.peek();
                List<String> ins = nodes.get(top[0]).inputs();
                if (top[1] < ins.size()) {
                    Integer next = pos.get(ins.get(top[1]++));
                    if (next == null) continue;
                    if (state[next] == 1) {
                        List<String> cyc = new ArrayList<>();
                        boolean on = false;
                        for (int p : path) {
                            if (p == next) on = true;
                            if (on) cyc.add(nodes.get(p).name());
                        }
                        cyc.add(nodes.get(next).name());
                        java.util.Collections.reverse(cyc);
                        return cyc;
                    }
                    if (state[next] == 0) {
                        state[next] = 1;
                        stack.push(new int[] {next, 0});
                        path.addLast(next);
                    }
                } else {
                    state[top[0]] = 2;
                    stack.pop();
                    path.removeLast();
                }
            }
        }
        return null;
    }

}
