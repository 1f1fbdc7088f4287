package io.edgefuse.allocator.cluster;

/** A worker as the planner sees it: its name, how fast it computes and how it is connected. */
public record ClusterNode(String name, DeviceProfile device, LinkProfile link) {

    public ClusterNode withDevice(DeviceProfile d) {
        return new ClusterNode(name, d, link);
    }

    public ClusterNode withLink(LinkProfile l) {
        return new ClusterNode(name, device, l);
    }
}
