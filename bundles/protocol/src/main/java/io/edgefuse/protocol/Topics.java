package io.edgefuse.protocol;

/**
 * Every MQTT topic EdgeFuse uses, under a configurable root (default {@value #DEFAULT_ROOT}). Names
 * are validated so that a node or model id can never inject topic levels or wildcards.
 */
public record Topics(String root) {
    public static final String DEFAULT_ROOT = "edgefuse/v1";

    public Topics {
        if (root == null || root.isBlank() || root.endsWith("/") || root.contains("+") || root.contains("#")) {
            throw new IllegalArgumentException("bad topic root '" + root + "'");
        }
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_ROOT);
    }

    public String nodeStatus(String node) {
        return root + "/nodes/" + id(node) + "/status";
    }

    public String nodeHeartbeat(String node) {
        return root + "/nodes/" + id(node) + "/heartbeat";
    }

    public String nodeTasks(String node) {
        return root + "/nodes/" + id(node) + "/tasks";
    }

    public String nodeResults(String node) {
        return root + "/nodes/" + id(node) + "/results";
    }

    public String nodeOta(String node) {
        return root + "/nodes/" + id(node) + "/ota";
    }

    /** MQTT 5 requests (Response Topic + Correlation Data). */
    public String infer(String model) {
        return root + "/infer/" + id(model);
    }

    /** MQTT 3.1.1 requests carry their id in the topic. */
    public String infer(String model, String requestId) {
        return root + "/infer/" + id(model) + "/" + id(requestId);
    }

    public String results(String model, String requestId) {
        return root + "/results/" + id(model) + "/" + id(requestId);
    }

    /** An MQTT 5 client's Response Topic for its answers (the broker ACL lets clients read it). */
    public String replies(String clientId) {
        return root + "/replies/" + id(clientId);
    }

    public String allStatus() {
        return root + "/nodes/+/status";
    }

    public String allHeartbeats() {
        return root + "/nodes/+/heartbeat";
    }

    public String allResults() {
        return root + "/nodes/+/results";
    }

    public String allInfer() {
        return root + "/infer/#";
    }

    /** The node id in a topic under {@code root/nodes/}, or null. */
    public String nodeOf(String topic) {
        String p = root + "/nodes/";
        if (!topic.startsWith(p)) return null;
        int end = topic.indexOf('/', p.length());
        return end < 0 ? null : topic.substring(p.length(), end);
    }

    /** Ids are one topic level of letters, digits, '-', '_' and '.'. */
    public static String id(String s) {
        if (s == null || s.isEmpty() || s.length() > 128 || !s.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("'" + s + "' is not a valid id (1-128 of A-Z a-z 0-9 . _ -)");
        }
        return s;
    }
}
