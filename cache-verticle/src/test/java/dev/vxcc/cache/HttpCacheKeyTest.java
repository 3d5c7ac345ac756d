package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.cache.HttpCacheKey.Family;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HttpCacheKeyTest {
  /** The shape of a ccache 4.x key: 4 hex digits, then 29 base32hex digits. */
  static final String CCACHE_KEY = "a3f0" + "0123456789abcdefghijklmnopqrs";
  static final String SHA = "5".repeat(64);

  @Test
  void flatAndSubdirsOfOneBaseNameTheSameEntry() {
    HttpCacheKey flat = HttpCacheKey.parse("/ccache/" + CCACHE_KEY);
    HttpCacheKey subdirs = HttpCacheKey.parse("/ccache/a3/" + CCACHE_KEY.substring(2));
    assertEquals(Family.CCACHE, flat.family());
    assertEquals(flat, subdirs);
    assertEquals(Optional.empty(), flat.contentSha256());
  }

  @Test
  void storedKeysAreValidCacheKeysInTheHttpNamespace() {
    for (String path : new String[] {"/" + CCACHE_KEY, "/x/ac/" + SHA, "/cas/" + SHA}) {
      String key = HttpCacheKey.parse(path).storeKey();
      assertTrue(CacheKeys.isValid(key) && CacheKeys.isHttp(key), key);
    }
  }

  @Test
  void baseDirectoriesAreSeparateNamespaces() {
    assertNotEquals(HttpCacheKey.parse("/team-a/" + CCACHE_KEY), HttpCacheKey.parse("/team-b/" + CCACHE_KEY));
    assertNotEquals(HttpCacheKey.parse("/" + CCACHE_KEY), HttpCacheKey.parse("/team-a/" + CCACHE_KEY));
  }

  @Test
  void bazelPaths() {
    HttpCacheKey ac = HttpCacheKey.parse("/bazel/ac/" + SHA);
    HttpCacheKey cas = HttpCacheKey.parse("/bazel/cas/" + SHA);
    assertEquals(Family.AC, ac.family());
    assertEquals(Family.CAS, cas.family());
    assertEquals(Optional.of(SHA), cas.contentSha256());
    assertNotEquals(ac.storeKey(), cas.storeKey());
    // ccache's bazel layout: the 40 hex digits of its key, padded to 64 with their own start.
    String ccacheBazel = "0123456789abcdef0123456789abcdef01234567";
    assertEquals(Family.AC, HttpCacheKey.parse("/ac/" + ccacheBazel + ccacheBazel.substring(0, 24)).family());
  }

  static Stream<String> notEntries() {
    return Stream.of(
        "", "relative/" + CCACHE_KEY, "/", "/ccache/", "/ccache//" + CCACHE_KEY, "/../" + CCACHE_KEY,
        "/./" + CCACHE_KEY, "/a/../../etc/passwd", "/%2e%2e/" + CCACHE_KEY, "/ccache/" + CCACHE_KEY + "/",
        "/ccache/short", "/ccache/" + "A3F0" + "0123456789ABCDEFGHIJKLMNOPQRS", "/ccache/" + "w".repeat(33),
        "/cas/" + "G".repeat(64), "/ac/" + SHA + "/x", "/ccache/a3/" + "0".repeat(70),
        "/with space/" + CCACHE_KEY, "/ccache/" + CCACHE_KEY + "?x=1");
  }

  @ParameterizedTest
  @MethodSource("notEntries")
  void rejectsWhatNamesNoEntry(String path) {
    assertThrows(IllegalArgumentException.class, () -> HttpCacheKey.parse(path));
  }

  @Test
  void rejectsOverlongPaths() {
    String base = "/b".repeat(HttpCacheKey.MAX_PATH_LENGTH / 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpCacheKey.parse(base + "/" + CCACHE_KEY));
    assertTrue(e.getMessage().contains("at most"), e.getMessage());
  }
}
