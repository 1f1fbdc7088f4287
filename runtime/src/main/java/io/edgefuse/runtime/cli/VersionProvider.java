package io.edgefuse.runtime.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"edgefuse " + (v == null ? "dev" : v) + " (Java " + System.getProperty("java.version") + ")"};
    }
}
