package dev.vxcc.wrapper;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A scripted stand-in for the daemon's local HTTP endpoint; records every request it sees. */
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
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, Function<Request, Reply>> routes = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeDaemon() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        // Long polls block a handler thread; a fixed pool could starve the release call.
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    FakeDaemon on(String path, Function<Request, Reply> route) {
        routes.put(path, route);
        return this;
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
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
        server.stop(0);
        pool.shutdownNow();
    }
}
