package io.edgefuse.osgi;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the framework's own messages (resolver failures, bundle exceptions) to SLF4J instead of stdout,
 * so they land in the same Logback output as everything else.
 */
final class Slf4jFelixLogger extends org.apache.felix.framework.Logger {
    private static final Logger LOG = LoggerFactory.getLogger("org.apache.felix.framework");

    @Override
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable t) {
        String text = bundle == null ? msg : "[" + bundle.getSymbolicName() + "] " + msg;
        switch (level) {
            case LOG_ERROR -> LOG.error(text, t);
            case LOG_WARNING -> LOG.warn(text, t);
            case LOG_INFO -> LOG.info(text, t);
            default -> LOG.debug(text, t);
        }
    }
}
