package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CacheKeysTest {
  private static final String HEX = "0123456789abcdef".repeat(4);

  @Test
  void acceptsDigestsWithOrWithoutPrefix() {
    assertTrue(CacheKeys.isValid(HEX));
    assertTrue(CacheKeys.isValid("cxx1-" + HEX));
    assertEquals("01", CacheKeys.bucket("cxx1-" + HEX));
  }

  @Test
  void rejectsEverythingElse() {
    assertFalse(CacheKeys.isValid(null));
    assertFalse(CacheKeys.isValid(""));
    assertFalse(CacheKeys.isValid(HEX.toUpperCase()));
    assertFalse(CacheKeys.isValid(HEX.substring(1)));
    assertFalse(CacheKeys.isValid(HEX + "0"));
    assertFalse(CacheKeys.isValid("../" + HEX));
    assertFalse(CacheKeys.isValid("cxx1" + HEX)); // a prefix must end with '-'
    assertFalse(CacheKeys.isValid("-" + HEX));
    assertFalse(CacheKeys.isValid("a".repeat(40) + "-" + HEX));
  }
}
