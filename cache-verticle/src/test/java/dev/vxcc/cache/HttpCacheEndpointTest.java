package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.cache.client.CacheAddresses;
import dev.vxcc.cache.client.CacheClient;
import dev.vxcc.common.net.NodeTls;
import dev.vxcc.common.util.Digests;
import dev.vxcc.common.util.ListenFailure;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP face of a deployed cache node, driven as ccache and Bazel drive it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpCacheEndpointTest {
  private static final String USER = "user-token";
  private static final String SERVANT = "servant-token";
  private static final String KEY = HttpCacheKeyTest.CCACHE_KEY;
  private static final int MAX_ENTRY = 4096;

  @TempDir
  Path dir;

  record Reply(int status, MultiMap headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private JsonObject config(String engine) {
    return new JsonObject().put("cache", new JsonObject()
        .put("engine", engine)
        .put("dir", dir.toString())
        .put("port", 0)
        .put("httpPort", 0)
        .put("httpPlain", true)
        .put("memoryBytes", 1 << 20)
        .put("maxEntryBytes", MAX_ENTRY)
        .put("bloomExpectedKeys", 10_000)
        .put("userTokens", List.of(USER))
        .put("servantTokens", List.of(SERVANT)));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private HttpClient client;
  private Vertx vertx;
  private int port;

  private CacheVerticle deploy(Vertx vertx, String engine) throws Exception {
    this.vertx = vertx;
    CacheVerticle v = new CacheVerticle();
    await(vertx.deployVerticle(v, new DeploymentOptions().setConfig(config(engine))));
    port = v.httpPort();
    assertTrue(port > 0, "the HTTP endpoint listens on a real port");
    client = vertx.createHttpClient(new HttpClientOptions());
    return v;
  }

  /**
   * One request, composed on a Vert.x context. Composed from the test thread, a step could be
   * attached after the future before it had completed: {@code resp.body()} then asked for a body
   * already delivered to nobody and never completed. That was issue 13's "intermittent hang on a
   * kept-alive connection": the server had answered every request (logged), and a client that reads
   * the socket itself never stalled.
   */
  private Reply send(HttpMethod method, String path, String authorization, byte[] body) throws Exception {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    if (authorization != null) {
      o.putHeader("Authorization", authorization);
    }
    Promise<Reply> reply = Promise.promise();
    HttpClient c = client;
    vertx.runOnContext(v -> c.request(o)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.getBytes())))
        .onComplete(reply));
    return await(reply.future());
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private JsonObject stats(Vertx vertx) throws Exception {
    return await(vertx.eventBus().<JsonObject>request(CacheAddresses.STATS, new JsonObject())).body();
  }

  @Test
  void servantsWriteUsersReadInEveryLayout(Vertx vertx) throws Exception {
    deploy(vertx, "disk");
    byte[] entry = "a ccache result".getBytes(StandardCharsets.UTF_8);
    Reply miss = send(HttpMethod.GET, "/ccache/" + KEY, bearer(USER), null);
    assertEquals(404, miss.status());
    // ccache keeps its connection alive: a miss must not close it.
    assertEquals(null, miss.headers().get("connection"));
    assertEquals(404, send(HttpMethod.HEAD, "/ccache/" + KEY, bearer(USER), null).status());

    assertEquals(200, send(HttpMethod.PUT, "/ccache/" + KEY, basic("ci", SERVANT), entry).status());

    // subdirs and flat name the same entry under one base; another base is another namespace.
    Reply got = send(HttpMethod.GET, "/ccache/" + KEY.substring(0, 2) + "/" + KEY.substring(2), bearer(USER), null);
    assertEquals(200, got.status());
    assertArrayEquals(entry, got.body());
    Reply head = send(HttpMethod.HEAD, "/ccache/" + KEY, basic("dev", USER), null);
    assertEquals(200, head.status());
    assertEquals(String.valueOf(entry.length), head.headers().get("content-length"));
    assertEquals(404, send(HttpMethod.GET, "/other/" + KEY, bearer(USER), null).status());

    // Stored on disk in the HTTP namespace, never under a name taken from the path.
    try (var files = Files.walk(dir)) {
      assertTrue(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).allMatch(CacheKeys::isHttp));
    }
    JsonObject s = stats(vertx);
    assertEquals(1, s.getLong("httpHits"));
    assertEquals(2, s.getLong("httpMisses"));
    assertEquals(1, s.getLong("httpPuts"));
  }

  @Test
  void keptAliveConnectionsCarryOnAfterRefusalsAndUploads(Vertx vertx) throws Exception {
    deploy(vertx, "disk");
    // ccache keeps one connection for its GETs, HEADs and PUTs; refused uploads (body unread) in
    // between must neither stall the requests behind them nor lose their own answer.
    java.util.Set<String> written = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      String k = "/s" + (i % 7) + "/" + KEY;
      int status = switch (i % 5) {
        case 0 -> send(HttpMethod.GET, k, bearer(USER), null).status();
        case 1 -> send(HttpMethod.HEAD, k, bearer(USER), null).status();
        case 2 -> send(HttpMethod.PUT, k, bearer(SERVANT), new byte[100 + i]).status();
        case 3 -> send(HttpMethod.PUT, k, bearer(USER), new byte[100 + i]).status();
        default -> send(HttpMethod.PUT, k, bearer(SERVANT), new byte[256 << 10]).status();
      };
      int expected = switch (i % 5) {
        case 0, 1 -> written.contains(k) ? 200 : 404;
        case 2 -> {
          written.add(k);
          yield 200;
        }
        case 3 -> 403;
        default -> 413;
      };
      assertEquals(expected, status, "request " + i);
    }
  }

  @Test
  void bazelActionCacheAndContentStore(Vertx vertx) throws Exception {
    deploy(vertx, "null");
    byte[] blob = "an output file".getBytes(StandardCharsets.UTF_8);
    String sha = Digests.hex(blob);
    assertEquals(400, send(HttpMethod.PUT, "/cas/" + sha, bearer(SERVANT), "another file".getBytes()).status());
    assertEquals(404, send(HttpMethod.GET, "/cas/" + sha, bearer(USER), null).status());
    assertEquals(200, send(HttpMethod.PUT, "/cas/" + sha, bearer(SERVANT), blob).status());
    assertArrayEquals(blob, send(HttpMethod.GET, "/cas/" + sha, bearer(USER), null).body());
    byte[] actionResult = {8, 1, 18, 0};
    assertEquals(200, send(HttpMethod.PUT, "/ac/" + sha, bearer(SERVANT), actionResult).status());
    assertArrayEquals(actionResult, send(HttpMethod.GET, "/ac/" + sha, bearer(USER), null).body());
    assertArrayEquals(blob, send(HttpMethod.GET, "/cas/" + sha, bearer(USER), null).body());
  }

  @Test
  void noTokenWrongTokenAndReadOnlyTokenAreRefusedAndNothingLands(Vertx vertx) throws Exception {
    deploy(vertx, "null");
    byte[] entry = "poison".getBytes(StandardCharsets.UTF_8);
    Reply anonymous = send(HttpMethod.PUT, "/" + KEY, null, entry);
    assertEquals(401, anonymous.status());
    assertTrue(anonymous.headers().contains("WWW-Authenticate"));
    assertEquals(401, send(HttpMethod.GET, "/" + KEY, null, null).status());
    assertEquals(403, send(HttpMethod.PUT, "/" + KEY, bearer("guess"), entry).status());
    assertEquals(403, send(HttpMethod.GET, "/" + KEY, basic("u", "guess"), null).status());
    Reply readOnly = send(HttpMethod.PUT, "/" + KEY, bearer(USER), entry);
    assertEquals(403, readOnly.status());
    assertTrue(readOnly.text().contains("only read"), readOnly.text());
    assertEquals(404, send(HttpMethod.GET, "/" + KEY, bearer(SERVANT), null).status());
    assertEquals(0, stats(vertx).getLong("httpPuts"));
    assertEquals(0, stats(vertx).getLong("puts"));
  }

  @Test
  void badKeysMethodsAndSizesGetClearStatuses(Vertx vertx) throws Exception {
    deploy(vertx, "null");
    Reply bad = send(HttpMethod.GET, "/ccache/../" + KEY, bearer(USER), null);
    assertEquals(400, bad.status());
    assertTrue(bad.text().contains("segment"), bad.text());
    assertEquals(400, send(HttpMethod.PUT, "/ccache/not-a-key", bearer(SERVANT), new byte[1]).status());
    assertEquals(400, send(HttpMethod.GET, "/", bearer(USER), null).status());
    Reply delete = send(HttpMethod.DELETE, "/" + KEY, bearer(SERVANT), null);
    assertEquals(405, delete.status());
    assertEquals("GET, HEAD, PUT", delete.headers().get("Allow"));

    assertEquals(200, send(HttpMethod.PUT, "/" + KEY, bearer(SERVANT), new byte[MAX_ENTRY]).status());
    Reply tooBig = send(HttpMethod.PUT, "/" + KEY, bearer(SERVANT), new byte[MAX_ENTRY + 1]);
    assertEquals(413, tooBig.status());
    assertTrue(tooBig.text().contains("maxEntryBytes"), tooBig.text());
    // The refused put left the earlier entry as it was.
    assertEquals(MAX_ENTRY, send(HttpMethod.GET, "/" + KEY, bearer(USER), null).body().length);
    // An empty entry is a valid entry.
    assertEquals(200, send(HttpMethod.PUT, "/empty/" + KEY, bearer(SERVANT), new byte[0]).status());
    assertEquals(200, send(HttpMethod.GET, "/empty/" + KEY, bearer(USER), null).status());
  }

  @Test
  void grpcCannotWriteIntoTheHttpNamespace(Vertx vertx) throws Exception {
    deploy(vertx, "null");
    CacheClient servant = CacheClient.create(vertx, await(CacheClient.locate(vertx)), SERVANT);
    String httpKey = HttpCacheKey.parse("/" + KEY).storeKey();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(servant.put(httpKey, "poison".getBytes(StandardCharsets.UTF_8))));
    assertEquals(Optional.of(GrpcStatus.INVALID_ARGUMENT), CacheClient.statusOf(e.getCause()), e.getCause().toString());
    assertEquals(404, send(HttpMethod.GET, "/" + KEY, bearer(USER), null).status());
  }

  @Test
  void withoutHttpPlainTheEndpointIsHttpsWithTheNodeCertificate(Vertx vertx) throws Exception {
    JsonObject cfg = config("null");
    cfg.getJsonObject("cache").remove("httpPlain");
    CacheVerticle v = new CacheVerticle();
    await(vertx.deployVerticle(v, new DeploymentOptions().setConfig(cfg)));
    this.vertx = vertx;
    port = v.httpPort();
    // A plain client gets no answer; one holding the node's certificate (as Bazel could) does.
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    assertThrows(ExecutionException.class, () -> send(HttpMethod.GET, "/" + KEY, bearer(USER), null));
    client = vertx.createHttpClient(NodeTls.of(vertx, null).applyTo(new HttpClientOptions().setKeepAlive(false)));
    assertEquals(404, send(HttpMethod.GET, "/" + KEY, bearer(USER), null).status());
  }

  @Test
  void portInUseIsAClearErrorAndLeavesNothingListening(Vertx vertx) throws Exception {
    NetServer taken = await(vertx.createNetServer().connectHandler(s -> s.close()).listen(0, "127.0.0.1"));
    JsonObject cfg = config("null");
    cfg.getJsonObject("cache").put("httpPort", taken.actualPort());
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(vertx.deployVerticle(new CacheVerticle(), new DeploymentOptions().setConfig(cfg))));
    assertTrue(e.getCause() instanceof ListenFailure, e.getCause().toString());
    assertTrue(e.getCause().getMessage().contains("cache.httpPort"), e.getCause().getMessage());
    assertEquals(null, vertx.sharedData().getLocalMap(dev.vxcc.common.NodeKeys.MAP).get(CacheAddresses.NODE_KEY));
  }
}
