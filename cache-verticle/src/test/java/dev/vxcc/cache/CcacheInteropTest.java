package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.cache.client.CacheAddresses;
import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.Toolchains;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Debian's real ccache as the client: two "machines" (each its own ccache directory, temporary
 * directory and checkout) share one cache node through ccache's http remote storage.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CcacheInteropTest {
  private static final String USER = "user-token";
  private static final String SERVANT = "servant-token";
  private static final String SOURCE = """
      #include <stdio.h>
      static int twice(int x) { return 2 * x; }
      int main(void) { printf("%d\\n", twice(21)); return 0; }
      """;

  @TempDir
  Path root;

  private int port;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    // .ci/run installs ccache: under CI a missing binary fails the test instead of skipping it.
    Toolchains.require(Files.isExecutable(Path.of("/usr/bin/ccache")) && Files.isExecutable(Path.of("/usr/bin/gcc")),
        "/usr/bin/ccache and /usr/bin/gcc");
    JsonObject cfg = new JsonObject().put("cache", new JsonObject()
        .put("engine", "disk")
        .put("dir", Files.createDirectories(root.resolve("node")).toString())
        .put("port", 0)
        .put("httpHost", "127.0.0.1")
        .put("httpPort", 0)
        .put("httpPlain", true)
        .put("memoryBytes", 1 << 20)
        .put("bloomExpectedKeys", 10_000)
        .put("userTokens", List.of(USER))
        .put("servantTokens", List.of(SERVANT)));
    CacheVerticle v = new CacheVerticle();
    await(vertx.deployVerticle(v, new DeploymentOptions().setConfig(cfg)));
    port = v.httpPort();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** One developer machine: its own ccache directory, temporary directory and checkout. */
  private final class Machine {
    final Path home;
    final Map<String, String> env = new HashMap<>();

    Machine(String name, String remoteStorage) throws IOException {
      home = Files.createDirectories(root.resolve(name));
      Files.createDirectories(home.resolve("src"));
      Files.writeString(home.resolve("src/hello.c"), SOURCE);
      Path conf = Files.writeString(home.resolve("ccache.conf"), "");
      env.put("CCACHE_CONFIGPATH", conf.toString());
      env.put("CCACHE_DIR", home.resolve("ccache").toString());
      env.put("CCACHE_TEMPDIR", Files.createDirectories(home.resolve("tmp")).toString());
      env.put("CCACHE_REMOTE_STORAGE", remoteStorage);
      env.put("CCACHE_LOGFILE", home.resolve("ccache.log").toString());
      env.put("TMPDIR", home.resolve("tmp").toString());
    }

    byte[] compile() throws Exception {
      Commands.Result r = Commands.run(home.resolve("src"), env, 60, List.of("/usr/bin/ccache", "/usr/bin/gcc", "-O2", "-c", "hello.c"));
      assertEquals(0, r.exit(), "ccache gcc failed: " + r.stderr() + "\n" + log());
      return Files.readAllBytes(home.resolve("src/hello.o"));
    }

    /** ccache's counters, from the machine-readable {@code --print-stats}. */
    Map<String, Long> stats() throws Exception {
      Commands.Result r = Commands.run(home, env, 30, List.of("/usr/bin/ccache", "--print-stats")).orFail("ccache --print-stats");
      Map<String, Long> out = new HashMap<>();
      for (String line : r.stdout().split("\n")) {
        String[] kv = line.split("\t");
        if (kv.length == 2 && kv[1].matches("\\d+")) {
          out.put(kv[0], Long.parseLong(kv[1]));
        }
      }
      return out;
    }

    String log() throws IOException {
      Path log = home.resolve("ccache.log");
      return Files.exists(log) ? Files.readString(log) : "(no ccache log)";
    }
  }

  private String url(String credentials, String path) {
    return "http://" + credentials + "127.0.0.1:" + port + path;
  }

  private JsonObject nodeStats(Vertx vertx) throws Exception {
    return await(vertx.eventBus().<JsonObject>request(CacheAddresses.STATS, new JsonObject())).body();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "subdirs, bearer token;    /ccache|layout=subdirs|bearer-token=" + SERVANT,
      "flat, basic auth;         basic:/ccache|layout=flat",
      "bazel, bearer token;      /ccache|layout=bazel|bearer-token=" + SERVANT})
  void theSecondMachineGetsARemoteHitWithTheFirstsObject(String name, String spec, Vertx vertx) throws Exception {
    String remote = spec.startsWith("basic:") ? url("ci:" + SERVANT + "@", spec.substring("basic:".length())) : url("", spec);
    Machine first = new Machine("first", remote);
    Machine second = new Machine("second", remote);

    byte[] built = first.compile();
    Map<String, Long> a = first.stats();
    assertEquals(1, a.getOrDefault("remote_storage_miss", 0L), "first machine: " + a + "\n" + first.log());
    assertTrue(a.getOrDefault("remote_storage_write", 0L) >= 1, "first machine wrote its result: " + a);
    assertEquals(0, a.getOrDefault("remote_storage_error", 0L), first.log());

    byte[] fetched = second.compile();
    Map<String, Long> b = second.stats();
    assertEquals(1, b.getOrDefault("remote_storage_hit", 0L), "second machine: " + b + "\n" + second.log());
    assertEquals(0, b.getOrDefault("cache_miss", 0L), "second machine compiled nothing: " + b);
    assertArrayEquals(built, fetched, "the second machine's object is the first's");

    JsonObject node = nodeStats(vertx);
    assertTrue(node.getLong("httpPuts") >= 1 && node.getLong("httpHits") >= 1, node.encode());
  }

  @Test
  void aReadOnlyTokenBuildsButWritesNothing(Vertx vertx) throws Exception {
    Machine reader = new Machine("reader", url("", "/ccache|layout=subdirs|bearer-token=" + USER));
    byte[] built = reader.compile(); // the refused upload must not break the build
    assertTrue(built.length > 0);
    assertEquals(0, nodeStats(vertx).getLong("httpPuts"));
    assertEquals(0, nodeStats(vertx).getLong("puts"));

    // Nothing landed: a writer on another machine still misses, then fills the cache.
    Machine writer = new Machine("writer", url("", "/ccache|layout=subdirs|bearer-token=" + SERVANT));
    writer.compile();
    Map<String, Long> w = writer.stats();
    assertEquals(1, w.getOrDefault("remote_storage_miss", 0L), writer.log());
    // A result, and in direct mode a manifest too: every upload the writer made, and only those.
    assertTrue(w.getOrDefault("remote_storage_write", 0L) >= 1, w.toString());
    assertEquals(w.get("remote_storage_write"), nodeStats(vertx).getLong("httpPuts"));

    // And the reader, starting from an empty local cache, now hits.
    Machine laterReader = new Machine("later-reader", url("", "/ccache|layout=subdirs|bearer-token=" + USER));
    assertArrayEquals(built, laterReader.compile());
    assertEquals(1, laterReader.stats().getOrDefault("remote_storage_hit", 0L), laterReader.log());
  }

  @Test
  void noTokenIsAMissNotABrokenBuild(Vertx vertx) throws Exception {
    Machine stranger = new Machine("stranger", url("", "/ccache|layout=subdirs"));
    assertTrue(stranger.compile().length > 0);
    assertEquals(0, nodeStats(vertx).getLong("httpPuts"));
  }
}
