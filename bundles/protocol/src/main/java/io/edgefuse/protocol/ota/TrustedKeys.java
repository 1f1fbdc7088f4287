package io.edgefuse.protocol.ota;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public keys a node accepts artifacts from, by key id. Several keys may be trusted at once, which
 * is how a key is rotated: trust the new key everywhere, sign with it, then drop the old one.
 */
public final class TrustedKeys {
    private final Map<String, PublicKey> keys;

    private TrustedKeys(Map<String, PublicKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    public static TrustedKeys of(Collection<PublicKey> keys) {
        Map<String, PublicKey> m = new LinkedHashMap<>();
        for (PublicKey k : keys) m.put(KeyFiles.keyId(k), k);
        return new TrustedKeys(m);
    }

    public static TrustedKeys none() {
        return new TrustedKeys(Map.of());
    }

    /** Public key files (PEM X.509), e.g. the {@code ota.trusted.keys} list of a node's config. */
    public static TrustedKeys load(List<Path> files) {
        Map<String, PublicKey> m = new LinkedHashMap<>();
        for (Path f : files) {
            PublicKey k = KeyFiles.readPublicKey(f);
            m.put(KeyFiles.keyId(k), k);
        }
        return new TrustedKeys(m);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public java.util.Set<String> ids() {
        return keys.keySet();
    }

    /** Throws with the reason when the manifest is not signed by a trusted key. */
    public void verify(Manifest m) {
        PublicKey k = keys.get(m.keyId());
        if (k == null) {
            throw new OtaException("signed with unknown key " + m.keyId() + (keys.isEmpty() ? " (this node trusts no key: set ota.trusted.keys)" : " (trusted: " + String.join(", ", keys.keySet()) + ")"));
        }
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(m.signature());
        } catch (IllegalArgumentException e) {
            throw new OtaException("signature is not base64");
        }
        try {
            Signature v = Signature.getInstance(KeyFiles.ALGORITHM);
            v.initVerify(k);
            v.update(m.canonicalBytes());
            if (!v.verify(sig)) throw new OtaException("bad signature: the manifest was not signed by key " + m.keyId() + " or was changed after signing");
        } catch (java.security.SignatureException e) {
            throw new OtaException("bad signature: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new OtaException("cannot verify the signature: " + e.getMessage(), e);
        }
    }
}
