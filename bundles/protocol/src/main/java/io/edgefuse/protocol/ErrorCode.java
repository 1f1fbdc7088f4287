package io.edgefuse.protocol;

/** Error codes of answers and results; the message beside them says the details. */
public enum ErrorCode {
    BAD_REQUEST("bad_request"),
    BAD_IMAGE("bad_image"),
    WRONG_SHAPE("wrong_shape"),
    PAYLOAD_TOO_LARGE("payload_too_large"),
    UNKNOWN_MODEL("unknown_model"),
    BAD_FRAME("bad_frame"),
    BUSY("busy"),
    TIMEOUT("timeout"),
    NO_NODES("no_nodes"),
    INTERNAL("internal");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static ErrorCode fromWire(String s) {
        for (ErrorCode c : values()) if (c.wire.equals(s)) return c;
        return INTERNAL;
    }
}
