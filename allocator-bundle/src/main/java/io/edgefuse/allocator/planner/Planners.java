package io.edgefuse.allocator.planner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The planners by name, as the CLI and the coordinator select them. */
public final class Planners {
    private static final Map<String, Planner> ALL = new LinkedHashMap<>();

    static {
        for (Planner p : List.of(new EdgeFusePlanner(), new AoflPlanner(), new FtpPlanner(), new LayerwisePlanner(), new SinglePlanner())) {
            ALL.put(p.name(), p);
        }
    }

    private Planners() {}

    public static Planner get(String name) {
        Planner p = ALL.get(name);
        if (p == null) throw new IllegalArgumentException("unknown planner '" + name + "' (known: " + String.join(", ", ALL.keySet()) + ")");
        return p;
    }

    public static List<String> names() {
        return new ArrayList<>(ALL.keySet());
    }

    /** "all" or a comma-separated list. */
    public static List<Planner> parse(String spec) {
        List<Planner> out = new ArrayList<>();
        if (spec.equals("all")) {
            out.addAll(ALL.values());
        } else {
            for (String s : spec.split(",")) out.add(get(s.trim()));
        }
        return out;
    }
}
