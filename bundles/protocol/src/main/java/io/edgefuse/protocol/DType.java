package io.edgefuse.protocol;

/** Element types a frame may carry; tensors are float32 in memory, narrower types only on the wire. */
public enum DType {
    FLOAT32("float32", 4), FLOAT16("float16", 2), INT8("int8", 1);

    private final String wire;
    private final int bytes;

    DType(String wire, int bytes) {
        this.wire = wire;
        this.bytes = bytes;
    }

    public String wire() {
        return wire;
    }

    public int bytes() {
        return bytes;
    }

    public static DType fromWire(String s) {
        for (DType d : values()) if (d.wire.equals(s)) return d;
        throw new ProtocolException(ErrorCode.BAD_FRAME, "unknown dtype '" + s + "' (float32, float16, int8)");
    }
}
