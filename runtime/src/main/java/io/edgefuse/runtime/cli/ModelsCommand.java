package io.edgefuse.runtime.cli;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.NodeCost;
import io.edgefuse.model.Op;
import io.edgefuse.model.zoo.Zoo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Each model's layers, parameters and MACs (multiply-accumulates, as published figures count them). Reads only the graphs: no weights are generated.")
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", description = "Zoo names or model folders. Default: the whole zoo.")
    List<String> names = new ArrayList<>();

    @Option(names = "--layers", description = "List every layer (default when one model is named).")
    boolean layers;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> which = names.isEmpty() ? Zoo.names() : names;
        boolean perLayer = layers || which.size() == 1;
        List<Map<String, Object>> docs = new ArrayList<>();
        Table summary = new Table("model", "input", "nodes", "conv layers", "params (M)", "GMAC", "GFLOP", "output");
        for (String name : which) {
            Model m = ModelArg.graph(name);
            NodeCost total = m.totalCost();
            long convs = m.nodes().stream().filter(n -> n.op() instanceof Op.Conv2D).count();
            summary.row(m.name(), m.input().shape(), m.size(), convs, String.format("%.2f", total.params() / 1e6),
                    String.format("%.3f", total.macs() / 1e9), String.format("%.2f", total.flops() / 1e9), m.outputShape());
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", m.name());
            doc.put("input", m.input().shape().dims());
            doc.put("nodes", m.size());
            doc.put("params", total.params());
            doc.put("macs", total.macs());
            doc.put("flops", total.flops());
            if (perLayer) {
                List<Map<String, Object>> ls = new ArrayList<>();
                Table t = json ? null : new Table("#", "layer", "op", "inputs", "output", "MMAC", "params");
                for (int i = 0; i < m.size(); i++) {
                    Node n = m.node(i);
                    NodeCost c = m.cost(i);
                    if (t != null) t.row(i, n.name(), n.op().name(), String.join(",", n.inputs()), m.shape(i), String.format("%.1f", c.macs() / 1e6), c.params());
                    Map<String, Object> l = new LinkedHashMap<>();
                    l.put("name", n.name());
                    l.put("op", n.op().name());
                    l.put("output", m.shape(i).dims());
                    l.put("macs", c.macs());
                    l.put("params", c.params());
                    ls.add(l);
                }
                doc.put("layers", ls);
                if (t != null) {
                    out.println(m.name() + ":");
                    t.print(out);
                    out.println();
                }
            }
            docs.add(doc);
        }
        if (json) Json.print(out, docs);
        else summary.print(out);
        out.flush();
        return 0;
    }
}
