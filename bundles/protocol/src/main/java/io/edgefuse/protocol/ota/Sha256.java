package io.edgefuse.protocol.ota;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex SHA-256, the one hash every OTA check uses. */
final class Sha256 {
    private Sha256() {}

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] data, int off, int len) {
        MessageDigest d = digest();
        d.update(data, off, len);
        return HexFormat.of().formatHex(d.digest());
    }

    static String hex(byte[] data) {
        return hex(data, 0, data.length);
    }
}
