package dev.vxcc.cache.engine;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates entries kept where any cluster member can write (the Hazelcast map): an
 * HMAC-SHA256 over the cache key and the stored bytes, with a key derived from a secret in the
 * cache nodes' config that never enters Hazelcast. A member that joined Hazelcast without the
 * secret can still delete entries, but whatever it writes is read back as a miss.
 */
public final class EntrySeal {
  static final int MAC_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";

  private final Mac prototype;

  public EntrySeal(byte[] secret) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("the entry secret is empty");
    }
    try {
      // Domain-separated, so the same secret used elsewhere never yields this key.
      Mac derive = Mac.getInstance(ALGORITHM);
      derive.init(new SecretKeySpec(secret, ALGORITHM));
      byte[] key = derive.doFinal("vxcc hazelcast cache entries v1".getBytes(StandardCharsets.UTF_8));
      prototype = Mac.getInstance(ALGORITHM);
      prototype.init(new SecretKeySpec(key, ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " unavailable", e);
    }
  }

  /**
   * From the {@code cache} config section: {@code hazelcastSecret} if set, else the sorted
   * servant tokens, which every cache node of a cluster already shares.
   *
   * @throws IllegalArgumentException if there is neither
   */
  public static EntrySeal fromCacheConfig(JsonObject cache) {
    String secret = cache == null ? null : cache.getString("hazelcastSecret");
    if (secret == null || secret.isEmpty()) {
      var tokens = cache == null || cache.getJsonArray("servantTokens") == null
          ? new TreeSet<String>() : new TreeSet<>(cache.getJsonArray("servantTokens").getList().stream().map(String::valueOf).toList());
      secret = tokens.isEmpty() ? null : String.join("\n", tokens);
    }
    if (secret == null) {
      throw new IllegalArgumentException("cache engine hazelcast needs cache.hazelcastSecret (or servantTokens) to authenticate entries");
    }
    return new EntrySeal(secret.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] seal(String key, byte[] stored) {
    byte[] mac = mac(key, stored);
    byte[] out = Arrays.copyOf(mac, MAC_BYTES + stored.length);
    System.arraycopy(stored, 0, out, MAC_BYTES, stored.length);
    return out;
  }

  /** The stored bytes if {@code sealed} was sealed for {@code key} with this secret, else empty. */
  public Optional<byte[]> open(String key, byte[] sealed) {
    if (sealed.length < MAC_BYTES) {
      return Optional.empty();
    }
    byte[] stored = Arrays.copyOfRange(sealed, MAC_BYTES, sealed.length);
    boolean ok = MessageDigest.isEqual(mac(key, stored), Arrays.copyOf(sealed, MAC_BYTES));
    return ok ? Optional.of(stored) : Optional.empty();
  }

  private byte[] mac(String key, byte[] stored) {
    try {
      Mac m = (Mac) prototype.clone();
      // The key is bound too: a sealed entry copied under another key does not verify.
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      m.update(k);
      m.update((byte) 0);
      return m.doFinal(stored);
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }
}
