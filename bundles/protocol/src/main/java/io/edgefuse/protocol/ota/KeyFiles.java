package io.edgefuse.protocol.ota;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 signing keys as PEM files: the private key as PKCS#8 ({@code edgefuse-ota.key}, mode 600),
 * the public key as X.509 SubjectPublicKeyInfo ({@code edgefuse-ota.pub}). A key's id is the first 16
 * hex digits of the SHA-256 of its X.509 encoding, so anyone holding the public file can compute it.
 * The JDK's own Ed25519 (Java 15+) does the work; no extra library.
 */
public final class KeyFiles {
    public static final String ALGORITHM = "Ed25519";
    public static final String PRIVATE_FILE = "edgefuse-ota.key", PUBLIC_FILE = "edgefuse-ota.pub";

    private KeyFiles() {}

    /** A signing key: the private key and its id. */
    public record SigningKey(PrivateKey key, String keyId) {
        public String sign(byte[] data) {
            try {
                Signature s = Signature.getInstance(ALGORITHM);
                s.initSign(key);
                s.update(data);
                return Base64.getEncoder().encodeToString(s.sign());
            } catch (GeneralSecurityException e) {
                throw new OtaException("signing failed: " + e.getMessage(), e);
            }
        }
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new OtaException("this JVM has no Ed25519: " + e.getMessage(), e);
        }
    }

    /** Writes a new key pair into dir; refuses to overwrite an existing private key. Returns the key id. */
    public static String generate(Path dir) throws IOException {
        Path priv = dir.resolve(PRIVATE_FILE), pub = dir.resolve(PUBLIC_FILE);
        if (Files.exists(priv)) throw new OtaException(priv + " exists; refusing to overwrite a signing key (move it away first)");
        Files.createDirectories(dir);
        KeyPair kp = generate();
        Path tmp = Files.createTempFile(dir, ".key", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the operator has to protect the file
        }
        Files.writeString(tmp, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        Files.move(tmp, priv);
        Files.writeString(pub, pem("PUBLIC KEY", kp.getPublic().getEncoded()));
        return keyId(kp.getPublic());
    }

    public static String keyId(PublicKey k) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(k.getEncoded())).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The signing key in a private key file, with its id. The id comes from the public file next to it
     * ({@code X.key} -> {@code X.pub}), which must exist: it is what nodes are given, and signing with a
     * key whose public half was lost would produce artifacts nobody can verify.
     */
    public static SigningKey readSigningKey(Path privateFile) {
        PrivateKey k;
        try {
            k = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(privateFile, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new OtaException(privateFile + " is not an Ed25519 PKCS#8 private key: " + e.getMessage(), e);
        }
        String f = privateFile.getFileName().toString();
        Path pub = privateFile.resolveSibling((f.endsWith(".key") ? f.substring(0, f.length() - 4) : f) + ".pub");
        if (!Files.isRegularFile(pub)) throw new OtaException("no public key " + pub + " next to " + privateFile);
        PublicKey p = readPublicKey(pub);
        SigningKey sk = new SigningKey(k, keyId(p));
        // A mismatched pair would sign artifacts that fail on every node; catch it here, with a clear message.
        try {
            Signature v = Signature.getInstance(ALGORITHM);
            v.initVerify(p);
            byte[] probe = "edgefuse key pair check".getBytes(StandardCharsets.UTF_8);
            v.update(probe);
            if (!v.verify(Base64.getDecoder().decode(sk.sign(probe)))) throw new OtaException(pub + " is not the public half of " + privateFile);
        } catch (GeneralSecurityException e) {
            throw new OtaException("cannot check the key pair: " + e.getMessage(), e);
        }
        return sk;
    }

    public static PublicKey readPublicKey(Path file) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(file, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new OtaException(file + " is not an Ed25519 X.509 public key: " + e.getMessage(), e);
        }
    }

    private static byte[] der(Path file, String type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new OtaException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN " + type + "-----", end = "-----END " + type + "-----";
        int b = text.indexOf(begin), e = text.indexOf(end);
        if (b < 0 || e < b) throw new OtaException(file + " is not a PEM file with a " + type + " block");
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new OtaException(file + ": bad base64 in the " + type + " block", ex);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
