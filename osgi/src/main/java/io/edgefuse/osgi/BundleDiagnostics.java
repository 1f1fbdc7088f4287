package io.edgefuse.osgi;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/** Human-readable bundle states and the requirements that keep a bundle from resolving. */
public final class BundleDiagnostics {
    private BundleDiagnostics() {}

    public static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    /** The state a healthy bundle should be in once the framework has started it. */
    public static boolean isHealthy(Bundle b) {
        return isFragment(b) ? b.getState() == Bundle.RESOLVED : b.getState() == Bundle.ACTIVE;
    }

    public static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + state + ")";
        };
    }

    public static String describe(Bundle b) {
        return b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "] " + stateName(b.getState())
                + (isFragment(b) ? " (fragment)" : "");
    }

    /**
     * Mandatory requirements of {@code b} that no installed bundle (nor the system bundle) offers a
     * capability for. Empty when the bundle is resolved, or when it only fails because a bundle it needs
     * fails itself: then the framework's start exception names the chain.
     */
    public static List<String> missingRequirements(Bundle b, BundleContext ctx) {
        List<String> missing = new ArrayList<>();
        BundleRevision rev = b.adapt(BundleRevision.class);
        if (rev == null || b.getState() != Bundle.INSTALLED) return missing;
        for (BundleRequirement req : rev.getDeclaredRequirements(null)) {
            if (Constants.RESOLUTION_OPTIONAL.equals(req.getDirectives().get(Constants.RESOLUTION_DIRECTIVE))) continue;
            if (!offeredByAnyBundle(req, ctx)) missing.add(req.getNamespace() + " " + req.getDirectives().get("filter"));
        }
        return missing;
    }

    private static boolean offeredByAnyBundle(BundleRequirement req, BundleContext ctx) {
        for (Bundle other : ctx.getBundles()) {
            BundleRevision r = other.adapt(BundleRevision.class);
            if (r == null) continue;
            for (BundleCapability cap : r.getDeclaredCapabilities(req.getNamespace())) {
                if (req.matches(cap)) return true;
            }
        }
        return false;
    }
}
