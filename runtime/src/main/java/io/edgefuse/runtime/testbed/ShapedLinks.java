package io.edgefuse.runtime.testbed;

import java.util.ArrayList;
import java.util.List;

/**
 * The emulated network: a hub namespace ({@value #HUB}) where the broker and the coordinator run, and
 * one namespace per node, each joined to the hub by its own veth pair with a /30 of 10.213.0.0/16
 * (addresses exist only inside these namespaces). Both ends get a tbf qdisc at the link's rate, so
 * each direction is capped (veth has no qdisc of its own, and netem is not available). Deleting a
 * namespace deletes its veth end, which deletes the pair and its qdiscs.
 */
public final class ShapedLinks {
    public static final String HUB = "ef-hub";
    public static final String NS_PREFIX = "ef-";
    public static final int BROKER_PORT = 1883;

    private ShapedLinks() {}

    public static String namespace(String node) {
        return NS_PREFIX + node;
    }

    /** Hub-side veth of the k-th node (1-based); names must fit IFNAMSIZ (15 chars). */
    public static String hubVeth(int k) {
        return "efh" + k;
    }

    public static String hubAddress(int k) {
        check(k);
        return "10.213." + k + ".1";
    }

    public static String nodeAddress(int k) {
        check(k);
        return "10.213." + k + ".2";
    }

    private static void check(int k) {
        if (k < 1 || k > 250) throw new IllegalArgumentException("node index " + k + " out of 1..250");
    }

    public static void createHub() {
        Processes.run("ip", "netns", "add", HUB);
        Processes.run("ip", "-n", HUB, "link", "set", "lo", "up");
    }

    /** The node's namespace and its shaped veth pair to the hub. */
    public static void connect(String node, int k, double mbit) {
        String ns = namespace(node), veth = hubVeth(k);
        Processes.run("ip", "netns", "add", ns);
        Processes.run("ip", "-n", ns, "link", "set", "lo", "up");
        Processes.run("ip", "-n", HUB, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Processes.run("ip", "-n", HUB, "addr", "add", hubAddress(k) + "/30", "dev", veth);
        Processes.run("ip", "-n", ns, "addr", "add", nodeAddress(k) + "/30", "dev", "eth0");
        Processes.run("ip", "-n", HUB, "link", "set", veth, "up");
        Processes.run("ip", "-n", ns, "link", "set", "eth0", "up");
        shape(HUB, veth, mbit);
        shape(ns, "eth0", mbit);
    }

    /**
     * tbf on the device's egress. The bucket holds 1 ms at the rate but at least 64 KiB, so a
     * segmentation-offloaded packet always fits; the queue holds 100 ms before dropping.
     */
    static void shape(String ns, String dev, double mbit) {
        long bytesPerSecond = Math.round(mbit * 1e6 / 8);
        long burst = Math.max(64 * 1024, bytesPerSecond / 1000);
        Processes.run("tc", "-n", ns, "qdisc", "add", "dev", dev, "root", "tbf", "rate", Math.round(mbit * 1000) + "kbit",
                "burst", String.valueOf(burst), "latency", "100ms");
    }

    /** Deletes a namespace if it exists (its veths and qdiscs go with it). */
    public static void delete(String ns) {
        if (!existing().contains(ns)) return;
        // Processes still inside keep nothing alive: the namespace disappears once they exit.
        Processes.run("ip", "netns", "delete", ns);
    }

    /** Pids of processes running in a namespace. */
    public static List<Long> pids(String ns) {
        List<Long> l = new ArrayList<>();
        if (!existing().contains(ns)) return l;
        for (String s : Processes.run("ip", "netns", "pids", ns).split("\\s+")) if (!s.isBlank()) l.add(Long.parseLong(s.trim()));
        return l;
    }

    /** Namespaces named like ours. */
    public static List<String> existing() {
        List<String> l = new ArrayList<>();
        for (String line : Processes.run("ip", "netns", "list").split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (name.startsWith(NS_PREFIX)) l.add(name);
        }
        return l;
    }

    /** The qdisc line of a veth as tc shows it (for status). */
    public static String qdisc(String ns, String dev) {
        return Processes.run("tc", "-n", ns, "qdisc", "show", "dev", dev).strip();
    }

    /** Veths named like ours in the root namespace: there should never be any (a leak check). */
    public static List<String> rootVeths() {
        List<String> l = new ArrayList<>();
        for (String line : Processes.run("ip", "-o", "link", "show", "type", "veth").split("\n")) {
            String[] f = line.split(":\\s+");
            if (f.length > 1) {
                String name = f[1].split("@")[0];
                if (name.startsWith("efh") || name.startsWith(NS_PREFIX)) l.add(name);
            }
        }
        return l;
    }
}
