package io.edgefuse.allocator.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The workers a plan may use. The coordinator runs beside the broker: every tile goes coordinator ->
 * broker -> node and back, so a transfer costs the node's link (the coordinator's hop is local).
 */
public record Cluster(List<ClusterNode> nodes) {

    public Cluster {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) throw new IllegalArgumentException("a cluster needs at least one node");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ClusterNode n : nodes) {
            if (!names.add(n.name())) throw new IllegalArgumentException("duplicate node name " + n.name());
        }
    }

    /**
     * Parses "2xpi4,2xpi3" (counts of device profiles) with one link profile for all; nodes are named
     * pi4-1, pi4-2, pi3-1, ...
     */
    public static Cluster parse(String spec, String link) {
        LinkProfile l = Profiles.link(link);
        List<ClusterNode> nodes = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int count = 1;
            String device = p;
            int x = p.indexOf('x');
            if (x > 0 && p.substring(0, x).chars().allMatch(Character::isDigit)) {
                count = Integer.parseInt(p.substring(0, x));
                device = p.substring(x + 1);
            }
            if (count < 1) throw new IllegalArgumentException("node count must be >= 1 in '" + p + "'");
            DeviceProfile d = Profiles.device(device);
            for (int i = 0; i < count; i++) {
                long same = nodes.stream().filter(n -> n.device().name().equals(d.name())).count();
                nodes.add(new ClusterNode(d.name() + "-" + (same + 1), d, l));
            }
        }
        return new Cluster(nodes);
    }

    public ClusterNode node(String name) {
        for (ClusterNode n : nodes) if (n.name().equals(name)) return n;
        throw new IllegalArgumentException("no node '" + name + "' in the cluster");
    }

    public int size() {
        return nodes.size();
    }

    /** Nodes fastest first (by conv throughput). */
    public List<ClusterNode> byConvSpeed() {
        List<ClusterNode> l = new ArrayList<>(nodes);
        l.sort(Comparator.comparingDouble((ClusterNode n) -> -n.device().gflops(OpClass.CONV)).thenComparing(ClusterNode::name));
        return l;
    }

    public Cluster map(UnaryOperator<ClusterNode> f) {
        List<ClusterNode> l = new ArrayList<>();
        for (ClusterNode n : nodes) l.add(f.apply(n));
        return new Cluster(l);
    }

    public Cluster without(String name) {
        List<ClusterNode> l = new ArrayList<>(nodes);
        l.removeIf(n -> n.name().equals(name));
        return new Cluster(l);
    }

    public Cluster with(ClusterNode node) {
        List<ClusterNode> l = new ArrayList<>(nodes);
        l.add(node);
        return new Cluster(l);
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ClusterNode n : nodes) sb.append(sb.length() == 0 ? "" : ", ").append(n.name()).append('@').append(n.link().name());
        return sb.toString();
    }
}
