package io.edgefuse.model;

/** MACs, FLOPs and parameters of a node over its whole output. */
final class NodeCosts {
    private NodeCosts() {}

    static NodeCost of(Model m, int i) {
        Node n = m.node(i);
        Op op = n.op();
        Shape out = m.shape(i);
        Shape in = m.shapeOf(n.input());
        long outSize = out.size();
        if (op instanceof Op.Conv2D c) {
            long perOut = (long) c.kh() * c.kw() * (in.c() / c.groups());
            long macs = outSize * perOut;
            long params = perOut * c.filters() + (c.bias() ? c.filters() : 0);
            return new NodeCost(macs, 2 * macs + (c.bias() ? outSize : 0), params);
        }
        if (op instanceof Op.Dense d) {
            long macs = (long) in.c() * d.units();
            return new NodeCost(macs, 2 * macs + (d.bias() ? d.units() : 0), macs + (d.bias() ? d.units() : 0));
        }
        if (op instanceof Op.BatchNorm) return new NodeCost(0, 2 * outSize, 4L * out.c());
        if (op instanceof Op.MaxPool p) return new NodeCost(0, outSize * p.kh() * p.kw(), 0);
        if (op instanceof Op.AvgPool p) return new NodeCost(0, outSize * p.kh() * p.kw(), 0);
        if (op instanceof Op.GlobalAvgPool) return new NodeCost(0, in.size(), 0);
        if (op instanceof Op.Add) return new NodeCost(0, outSize * (n.inputs().size() - 1), 0);
        if (op instanceof Op.Softmax) return new NodeCost(0, 3 * outSize, 0);
        if (op instanceof Op.Relu || op instanceof Op.Relu6 || op instanceof Op.LeakyRelu) return new NodeCost(0, outSize, 0);
        return NodeCost.ZERO;
    }
}
