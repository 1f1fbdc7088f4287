package io.edgefuse.runtime.cli;

/** host:port of an MQTT broker, as given on the command line. */
record BrokerAddress(String host, int port) {
    static BrokerAddress parse(String s) {
        int c = s.lastIndexOf(':');
        try {
            if (c < 0) return new BrokerAddress(s, 1883);
            int port = Integer.parseInt(s.substring(c + 1));
            if (port < 1 || port > 65535) throw new NumberFormatException();
            return new BrokerAddress(s.substring(0, c), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad broker address '" + s + "' (host:port, e.g. 127.0.0.1:1883)");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
