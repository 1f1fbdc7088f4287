package io.edgefuse.node.testing;

import io.edgefuse.broker.EmbeddedBroker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay in front of the broker, to cut a client's connection abruptly (no DISCONNECT, as
 * when a gateway loses power or WiFi) and to refuse reconnects for a while.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;

    public TcpProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getByName(EmbeddedBroker.LOOPBACK));
        start("proxy-accept", this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** While refusing, new connections are accepted and closed at once. */
    public void refuse(boolean r) {
        refusing = r;
    }

    /** Closes every relayed connection on both sides, without any MQTT goodbye. */
    public void cut() {
        for (Socket s : sockets) closeQuietly(s);
        sockets.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getByName(EmbeddedBroker.LOOPBACK), target);
                sockets.add(client);
                sockets.add(upstream);
                start("proxy-up", () -> pump(client, upstream));
                start("proxy-down", () -> pump(upstream, client));
            } catch (IOException e) {
                // server closed, or the broker refused: the client sees its connection fail
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
        } catch (IOException e) {
            // cut or closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        cut();
        for (Thread t : threads) t.join(5_000);
    }
}
