package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheConfigTest {
  @Test
  void defaults() {
    CacheConfig c = CacheConfig.fromJson(new JsonObject());
    assertEquals(CacheConfig.Engine.DISK, c.engine());
    assertEquals(256L << 20, c.memoryBytes());
    assertEquals(10L << 30, c.diskBytes());
    assertEquals(DefaultStoreDir.forThisProcess(), c.dir());
    assertEquals(60_000, c.purgeIntervalMs());
    assertEquals(60_000, c.bloomRebuildMs());
    assertEquals("127.0.0.1", c.host());
    assertEquals(8337, c.port());
    assertTrue(c.userTokens().isEmpty());
    assertFalse(c.httpEnabled());
    assertEquals(CacheConfig.HTTP_OFF, c.httpPort());
    assertFalse(c.httpPlain());
  }

  @Test
  void httpEndpointListensWhereGrpcDoesUnlessTold() {
    CacheConfig c = CacheConfig.fromJson(new JsonObject().put("host", "10.0.0.5").put("httpPort", 0));
    assertTrue(c.httpEnabled());
    assertEquals("10.0.0.5", c.httpHost());
    assertEquals("127.0.0.1", CacheConfig.fromJson(new JsonObject().put("host", "10.0.0.5").put("httpHost", "127.0.0.1")).httpHost());
    assertThrows(IllegalArgumentException.class, () -> CacheConfig.fromJson(new JsonObject().put("httpPort", -2)));
    assertThrows(IllegalArgumentException.class, () -> CacheConfig.fromJson(new JsonObject().put("httpPort", 70_000)));
    assertThrows(IllegalArgumentException.class, () -> CacheConfig.fromJson(new JsonObject().put("httpHost", " ")));
    assertThrows(IllegalArgumentException.class, () -> CacheConfig.fromJson(new JsonObject().put("httpPlain", "yes")));
  }

  @Test
  void defaultStoreIsPersistentAndPerNodeNeverSharedTemp() {
    assertEquals(Path.of("/var/cache/vxcc"), DefaultStoreDir.of("root", Map.of("XDG_CACHE_HOME", "/x")));
    assertEquals(Path.of("/x/vxcc"), DefaultStoreDir.of("ann", Map.of("XDG_CACHE_HOME", "/x", "HOME", "/home/ann")));
    assertEquals(Path.of("/home/ann/.cache/vxcc"), DefaultStoreDir.of("ann", Map.of("XDG_CACHE_HOME", "rel", "HOME", "/home/ann")));
    assertEquals(Path.of("/var/tmp/vxcc-ann/cache"), DefaultStoreDir.of("ann", Map.of()));
    assertEquals(Path.of("/var/cache/vxcc-unit"), DefaultStoreDir.of("root", Map.of("CACHE_DIRECTORY", "/var/cache/vxcc-unit:/x")));
    assertTrue(!DefaultStoreDir.forThisProcess().startsWith(Path.of(System.getProperty("java.io.tmpdir"))));
  }

  @Test
  void rejectsMalformedValues() {
    assertThrows(IllegalArgumentException.class, () -> CacheConfig.fromJson(new JsonObject().put("engine", "cos")));
    assertThrows(IllegalArgumentException.class, () -> CacheConfig.fromJson(new JsonObject().put("userTokens", List.of(""))));
    assertThrows(IllegalArgumentException.class, () -> CacheConfig.fromJson(new JsonObject().put("diskBytes", 0)));
    assertThrows(IllegalArgumentException.class, () -> CacheConfig.fromJson(new JsonObject().put("port", "x")));
    assertThrows(IllegalArgumentException.class, () -> CacheConfig.fromJson(new JsonObject().put("bloomFalsePositiveRate", 1.5)));
  }
}
