package io.edgefuse.osgi;

import java.util.List;

/**
 * What went wrong while starting, in words an operator can act on: install/start exceptions (Felix names
 * the missing requirement chain), bundles not ACTIVE with their unmatched requirements, framework error
 * events, and components that are neither up nor waiting for a configuration.
 */
public record StartReport(List<String> problems, List<String> bundles, List<String> components) {

    public boolean ok() {
        return problems.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(ok() ? "framework started cleanly" : problems.size() + " problem(s):");
        for (String p : problems) sb.append("\n  - ").append(p);
        sb.append("\nbundles:");
        for (String b : bundles) sb.append("\n  ").append(b);
        if (!components.isEmpty()) {
            sb.append("\ncomponents:");
            for (String c : components) sb.append("\n  ").append(c);
        }
        return sb.toString();
    }
}
