package io.edgefuse.protocol.ota;

import io.edgefuse.protocol.Topics;

/**
 * Where artifacts travel, under the same root as every other topic:
 * <pre>
 * {root}/{models|bundles}/{name}/{version}/manifest    retained, signed manifest
 * {root}/{models|bundles}/{name}/{version}/chunks/{i}  retained chunk i (0-based)
 * {root}/models/{name}/rollback                        rollback command {nodes[]}
 * {root}/nodes/{node}/ota                              the node's progress and outcome reports
 * </pre>
 */
public record OtaTopics(Topics topics) {
    public static final String MANIFEST = "manifest", CHUNKS = "chunks", ROLLBACK = "rollback";

    public OtaTopics(String root) {
        this(new Topics(root));
    }

    public String root() {
        return topics.root();
    }

    public String manifest(Manifest.Kind kind, String name, String version) {
        return base(kind, name, version) + "/" + MANIFEST;
    }

    public String chunk(Manifest.Kind kind, String name, String version, int index) {
        return base(kind, name, version) + "/" + CHUNKS + "/" + index;
    }

    /** Every chunk of one artifact version. */
    public String chunks(Manifest.Kind kind, String name, String version) {
        return base(kind, name, version) + "/" + CHUNKS + "/+";
    }

    /** Every manifest of one kind. */
    public String allManifests(Manifest.Kind kind) {
        return root() + "/" + kind.plural() + "/+/+/" + MANIFEST;
    }

    /** Every manifest of one artifact name (any version). */
    public String manifests(Manifest.Kind kind, String name) {
        return root() + "/" + kind.plural() + "/" + Topics.id(name) + "/+/" + MANIFEST;
    }

    public String rollback(String model) {
        return root() + "/" + Manifest.Kind.MODEL.plural() + "/" + Topics.id(model) + "/" + ROLLBACK;
    }

    public String allRollbacks() {
        return root() + "/" + Manifest.Kind.MODEL.plural() + "/+/" + ROLLBACK;
    }

    public String nodeOta(String node) {
        return topics.nodeOta(node);
    }

    /** What a topic under this root addresses: a manifest, a chunk, a rollback, or null for anything else. */
    public Address parse(String topic) {
        if (topic == null || !topic.startsWith(root() + "/")) return null;
        String[] p = topic.substring(root().length() + 1).split("/", -1);
        Manifest.Kind kind = Manifest.Kind.ofPlural(p[0]);
        if (kind == null) return null;
        try {
            if (p.length == 3 && kind == Manifest.Kind.MODEL && p[2].equals(ROLLBACK)) return new Address(kind, Topics.id(p[1]), null, -2);
            if (p.length == 4 && p[3].equals(MANIFEST)) return new Address(kind, Topics.id(p[1]), Topics.id(p[2]), -1);
            if (p.length == 5 && p[3].equals(CHUNKS)) return new Address(kind, Topics.id(p[1]), Topics.id(p[2]), Integer.parseInt(p[4]));
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** chunk >= 0: a chunk; -1: the manifest; -2: a rollback command (version null). */
    public record Address(Manifest.Kind kind, String name, String version, int chunk) {
        public boolean isManifest() {
            return chunk == -1;
        }

        public boolean isRollback() {
            return chunk == -2;
        }
    }

    private String base(Manifest.Kind kind, String name, String version) {
        return root() + "/" + kind.plural() + "/" + Topics.id(name) + "/" + Topics.id(version);
    }
}
