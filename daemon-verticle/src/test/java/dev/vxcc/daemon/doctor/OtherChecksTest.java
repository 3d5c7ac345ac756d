package dev.vxcc.daemon.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vxcc.common.bus.ClusterView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler, compiler and cache lines of {@code vxcc doctor}, healthy and broken, as a user reads them. */
class OtherChecksTest {
  private static JsonObject servant(String location, int capacity, String... digests) {
    return new JsonObject().put("location", location).put("capacity", capacity).put("compilerDigests", new JsonArray(List.of((Object[]) digests)));
  }

  private static ClusterView view(JsonObject... servants) {
    return new ClusterView(new JsonArray(List.of((Object[]) servants)), List.of());
  }

  @Test
  void schedulerWithServants() {
    assertEquals("OK   scheduler: reachable, 2 servants, 12 slots (10.0.0.7:4001 8, 10.0.0.8:4001 4)",
        ClusterCheck.check(view(servant("10.0.0.7:4001", 8), servant("10.0.0.8:4001", 4), servant("10.0.0.9:4001", 0)), "").line());
  }

  @Test
  void noSchedulerView() {
    assertEquals("FAIL scheduler: no cluster view (invalid token): every compile stays local: start the scheduler (`vxcc-node run all`"
        + " on one machine, `vxcc-node run scheduler -cluster …` for a cluster) and give this daemon a daemon.token that is in the"
        + " scheduler's scheduler.userTokens", ClusterCheck.check(null, "invalid token").line());
  }

  @Test
  void schedulerWithoutSlots() {
    assertEquals("WARN scheduler: reachable, 1 servant, but none offers a slot: compiles stay local: start `vxcc-node run daemon -cluster …`"
        + " (daemon.maxRemoteTasks not 0) on the build machines", ClusterCheck.check(view(servant("a:1", 0)), "").line());
  }

  private static final CompilerCheck.Local GXX = new CompilerCheck.Local(List.of("g++", "c++"), Path.of("/usr/bin/g++"),
      "g++ (Debian 12.2.0-14) 12.2.0", "d1", "");

  @Test
  void servantsHaveTheCompiler() {
    assertEquals(List.of("OK   compiler: g++, c++ (g++ (Debian 12.2.0-14) 12.2.0): 1 of 2 servants have it (a:1)"),
        CompilerCheck.checks(List.of(GXX), view(servant("a:1", 4, "d1", "d2"), servant("b:1", 4, "d3"))).stream().map(Check::line).toList());
  }

  @Test
  void noServantHasTheCompiler() {
    assertEquals(List.of("WARN compiler: g++, c++ (g++ (Debian 12.2.0-14) 12.2.0): no servant has it (of 1): its compiles stay local:"
        + " install the same compiler build on the servants (they must be identical: same version and package)"),
        CompilerCheck.checks(List.of(GXX), view(servant("b:1", 4, "d3"), servant("c:1", 0, "d1"))).stream().map(Check::line).toList());
  }

  @Test
  void untrustedCompiler() {
    CompilerCheck.Local mine = new CompilerCheck.Local(List.of("gcc"), Path.of("/home/u/bin/gcc"), "", "", "not trusted");
    assertEquals(List.of("WARN compiler: gcc at /home/u/bin/gcc: not trusted: its compiles stay local"),
        CompilerCheck.checks(List.of(mine), null).stream().map(Check::line).toList());
  }

  @Test
  void cacheHealthy() {
    assertEquals("OK   cache: reachable at 10.0.0.1:4002, token accepted",
        CacheCheck.check(new JsonObject().put("location", "10.0.0.1:4002").put("bloomFresh", true).put("lastError", "")).line());
  }

  @Test
  void cacheRefusesTheToken() {
    assertEquals("FAIL cache: the cache refused this daemon's token (bloom filter fetch failed: invalid token): put this daemon's"
        + " daemon.token in the cache node's cache.userTokens (and cache.servantTokens if this node also serves)",
        CacheCheck.check(new JsonObject().put("bloomFresh", false).put("lastError", "bloom filter fetch failed: invalid token")).line());
  }

  @Test
  void cacheNotFound() {
    assertEquals("WARN cache: no shared cache found: results are not shared: start `vxcc-node run cache` (or `run all`) on a cluster node",
        CacheCheck.check(new JsonObject().put("bloomFresh", false)).line());
  }

  @Test
  void exitCodeIsOneOnlyForFailures() {
    assertEquals(0, Check.exitCode(List.of(Check.ok("a", "x"), Check.warn("b", "y"))));
    assertEquals(1, Check.exitCode(List.of(Check.ok("a", "x"), Check.fail("b", "y"))));
  }
}
