package dev.vxcc.wrapper;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A scripted stand-in for the daemon's local HTTP endpoint on a Unix domain socket, as the shim
 * reaches it; records every request it sees. The JDK's HTTP server listens on TCP only, so the
 * socket forwards each connection to it.
 */
final class FakeDaemon implements AutoCloseable {

    record Request(String method, String uri, Fields fields, long atNanos) {
        String path() {
            int q = uri.indexOf('?');
            return q < 0 ? uri : uri.substring(0, q);
        }
    }

    record Reply(int status, byte[] body) {
        static Reply of(Object... fields) {
            return new Reply(200, Fields.encode(fields));
        }

        static Reply raw(int status, String body) {
            return new Reply(status, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final HttpServer server;
    private final ServerSocketChannel socket;
    private final Path path;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, Function<Request, Reply>> routes = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeDaemon(Path path) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        // Long polls block a handler thread; a fixed pool could starve the release call.
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
        this.path = path;
        socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path), 50);
        pool.execute(this::acceptLoop);
    }

    private void acceptLoop() {
        try {
            for (;;) {
                SocketChannel client = socket.accept();
                pool.execute(() -> forward(client));
            }
        } catch (IOException closed) {
            // close() ends the loop
        }
    }

    private void forward(SocketChannel client) {
        try (client; var tcp = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
            InputStream fromClient = Channels.newInputStream(client);
            OutputStream toClient = Channels.newOutputStream(client);
            pool.execute(() -> {
                try {
                    fromClient.transferTo(tcp.getOutputStream());
                    tcp.shutdownOutput();
                } catch (IOException ignored) {
                    // the other direction notices
                }
            });
            tcp.getInputStream().transferTo(toClient);
        } catch (IOException ignored) {
            // the shim sees a closed connection, as it would with a real daemon
        }
    }

    FakeDaemon on(String path, Function<Request, Reply> route) {
        routes.put(path, route);
        return this;
    }

    /** As VXCC_DAEMON wants it. */
    String address() {
        return path.toString();
    }

    List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            var req = new Request(ex.getRequestMethod(), ex.getRequestURI().toString(),
                    Fields.decode(body), System.nanoTime());
            requests.add(req);
            var route = routes.get(req.path());
            Reply reply = route == null ? Reply.raw(404, "no route") : route.apply(req);
            // -1 makes the JDK send "Content-length: 0"; 0 would mean chunked.
            ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            ex.getResponseBody().write(reply.body());
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
            java.nio.file.Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort
        }
        server.stop(0);
        pool.shutdownNow();
    }
}
