package dev.vxcc.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vxcc.api.v1.CacheGetRequest;
import dev.vxcc.api.v1.CacheGetResponse;
import dev.vxcc.api.v1.CachePutRequest;
import dev.vxcc.cache.engine.NullEngine;
import dev.vxcc.testkit.fuzz.Fuzz;
import dev.vxcc.testkit.fuzz.Gen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cache's gRPC face and its storage format under hostile input: keys with traversal, huge
 * keys, wrong tokens, lying digests, arbitrary message bytes, and corrupt or lying entry headers.
 * Every request ends in the right status (never INTERNAL), and a corrupt entry is never served.
 */
class CacheFuzzTest {
  private static final String USER = "user-token";
  private static final String SERVANT = "servant-token";
  private static final int MAX_ENTRY = 4096;

  private static Vertx vertx;
  private static WorkerExecutor workers;
  private static CacheEndpoint endpoint;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    workers = vertx.createSharedWorkerExecutor("cache-fuzz", 2);
    CacheConfig cfg = CacheConfig.fromJson(new JsonObject().put("engine", "null").put("maxEntryBytes", MAX_ENTRY)
        .put("userTokens", new JsonArray().add(USER)).put("servantTokens", new JsonArray().add(SERVANT)));
    CacheStore store = new CacheStore(new MemoryCache(8 << 20), new NullEngine(), new BloomGenerator(10_000, 0.01,
        Duration.ofMinutes(10), Duration.ZERO, new MutableClock(Instant.parse("2026-01-01T00:00:00Z")), new Random(1)));
    endpoint = new CacheEndpoint(store, workers, cfg);
  }

  @AfterAll
  static void stop() {
    workers.close();
    vertx.close().await();
  }

  private static final Gen<String> HEX = r -> {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return HexFormat.of().formatHex(b);
  };
  private static final Gen<String> KEY = Gen.frequency(
      4, HEX,
      2, (Gen<String>) r -> Gen.elements(List.of("cxx1-", "a-", "z0-", "x".repeat(31) + "-")).next(r) + HEX.next(r),
      1, (Gen<String>) r -> Gen.elements(List.of("../", "../../etc/", "/", "cxx1-../", "./", "%2e%2e/", "A-", "-",
          "x".repeat(32) + "-", "\u0000", "cxx1/")).next(r) + HEX.next(r),
      1, (Gen<String>) r -> HEX.next(r) + Gen.elements(List.of("/..", "\u0000", "\n", "0", "/x", " ")).next(r),
      1, HEX.map(h -> h.toUpperCase()),
      1, HEX.map(h -> h.substring(1)),
      1, (Gen<String>) r -> "a".repeat(r.nextInt(200_000)),
      1, Gen.anyStrings(100),
      1, Gen.constant(""));
  private static final Gen<String> TOKEN = Gen.elements(List.of(USER, SERVANT, "", " " + SERVANT, SERVANT + "\u0000",
      SERVANT.toUpperCase(), SERVANT.substring(1), USER + SERVANT, "t".repeat(100_000)));
  private static final Gen<byte[]> VALUE = Gen.oneOf(Gen.bytes(512), r -> new byte[MAX_ENTRY + r.nextInt(2)]);

  private static GrpcStatus statusOf(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return GrpcStatus.OK;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusException s) {
        assertTrue(s.message() == null || s.message().length() <= 400, "unbounded error message");
        return s.status();
      }
      return fail("not a gRPC status", e.getCause());
    } catch (Exception e) {
      return fail(e);
    }
  }

  @Test
  void putsGetTheStatusTheirTokenKeyAndValueDeserve() {
    Fuzz.property("cache-put").check(r -> {
      byte[] value = VALUE.next(r);
      ByteString sha = switch (r.nextInt(4)) {
        case 0 -> ByteString.EMPTY;
        case 1 -> ByteString.copyFrom(Gen.bytes(40).next(r));
        default -> ByteString.copyFrom(EntryCodec.sha256(value));
      };
      return CachePutRequest.newBuilder().setToken(TOKEN.next(r)).setKey(KEY.next(r)).setValue(ByteString.copyFrom(value))
          .setValueSha256(sha).build();
    }, req -> {
      GrpcStatus expected;
      if (!req.getToken().equals(SERVANT)) {
        expected = GrpcStatus.PERMISSION_DENIED;
      } else if (!CacheKeys.isValid(req.getKey()) || req.getValue().size() > MAX_ENTRY
          || !req.getValueSha256().isEmpty() && !req.getValueSha256().equals(ByteString.copyFrom(
              EntryCodec.sha256(req.getValue().toByteArray())))) {
        expected = GrpcStatus.INVALID_ARGUMENT;
      } else {
        expected = GrpcStatus.OK;
      }
      assertEquals(expected, statusOf(endpoint.put(req)));
      if (expected == GrpcStatus.OK) {
        CacheGetResponse got = endpoint.get(CacheGetRequest.newBuilder().setToken(USER).setKey(req.getKey()).build())
            .toCompletionStage().toCompletableFuture().join();
        assertTrue(got.getFound());
        assertEquals(req.getValue(), got.getValue());
      }
    });
  }

  @Test
  void getsGetTheStatusTheirTokenAndKeyDeserve() {
    Fuzz.property("cache-get").check(r -> CacheGetRequest.newBuilder().setToken(TOKEN.next(r)).setKey(KEY.next(r)).build(),
        req -> {
          GrpcStatus expected = !req.getToken().equals(USER) && !req.getToken().equals(SERVANT) ? GrpcStatus.PERMISSION_DENIED
              : CacheKeys.isValid(req.getKey()) ? GrpcStatus.OK : GrpcStatus.INVALID_ARGUMENT;
          assertEquals(expected, statusOf(endpoint.get(req)));
        });
  }

  @Test
  void arbitraryMessageBytesParseOrAreRefusedAndNeverReachTheStoreUnchecked() {
    Gen<byte[]> bytes = Gen.oneOf(Gen.bytes(300), r -> {
      // Valid messages with a few bytes changed: still mostly parseable, with odd field values.
      byte[] b = CachePutRequest.newBuilder().setToken(r.nextBoolean() ? SERVANT : USER).setKey(HEX.next(r))
          .setValue(ByteString.copyFrom(Gen.bytes(64).next(r))).build().toByteArray();
      for (int i = r.nextInt(4); i > 0; i--) {
        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
      }
      return b;
    });
    Fuzz.property("cache-message-bytes").check(bytes, b -> {
      CachePutRequest put;
      CacheGetRequest get;
      try {
        put = CachePutRequest.parseFrom(b);
        get = CacheGetRequest.parseFrom(b);
      } catch (InvalidProtocolBufferException refused) {
        return;
      }
      GrpcStatus p = statusOf(endpoint.put(put));
      GrpcStatus g = statusOf(endpoint.get(get));
      assertTrue(p != GrpcStatus.INTERNAL && g != GrpcStatus.INTERNAL && g != GrpcStatus.UNKNOWN);
      if (p == GrpcStatus.OK) {
        assertTrue(put.getToken().equals(SERVANT) && CacheKeys.isValid(put.getKey()));
      }
    });
  }

  @Test
  void acceptedKeysAreSafeFileNamesAndRefusalsStayShort() {
    Fuzz.property("cache-keys").check(Gen.oneOf(KEY, Gen.anyStrings(300)), key -> {
      if (CacheKeys.isValid(key)) {
        assertTrue(key.matches("[a-z0-9-]{64,96}") && !key.contains("..") && !key.startsWith("-"), key);
        assertTrue(CacheKeys.bucket(key).matches("[0-9a-f]{2}"));
      } else {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CacheKeys.requireValid(key));
        assertTrue(e.getMessage().length() <= 300);
      }
    });
  }

  @Test
  void entriesDecodeToTheirValueOrAreCorrupt() {
    Fuzz.property("entry-bytes").<byte[]>allocationBudget(b -> 64 * 1024 + 4L * b.length).check(Gen.oneOf(
        Gen.bytes(600), r -> {
          // A valid header whose length field lies, huge lengths included: refused before any allocation.
          byte[] value = Gen.bytes(64).next(r);
          byte[] e = EntryCodec.encode(value);
          long lie = Gen.elements(List.of(1L << 31, (1L << 31) - 1, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40,
              (long) value.length + 1, (long) value.length - 1)).next(r);
          ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).putLong(8, lie);
          return e;
        }), b -> {
          try {
            byte[] v = EntryCodec.decode(b);
            assertArrayEquals(v, java.util.Arrays.copyOfRange(b, EntryCodec.HEADER_BYTES, b.length));
          } catch (EntryCodec.CorruptEntryException corrupt) {
            // the documented refusal
          }
        });
  }

  @Test
  void anyChangeToAnEncodedEntryIsDetected() {
    Fuzz.property("entry-mutation").check(r -> {
      byte[] value = Gen.bytes(256).next(r);
      byte[] e = EntryCodec.encode(value);
      byte[] changed = switch (r.nextInt(3)) {
        case 0 -> {
          byte[] c = e.clone();
          c[r.nextInt(c.length)] ^= (byte) (1 + r.nextInt(255));
          yield c;
        }
        case 1 -> java.util.Arrays.copyOf(e, r.nextInt(e.length));
        default -> java.util.Arrays.copyOf(e, e.length + 1 + r.nextInt(8));
      };
      return new byte[][] {value, e, changed};
    }, in -> {
      assertArrayEquals(in[0], EntryCodec.decode(in[1]));
      assertThrows(EntryCodec.CorruptEntryException.class, () -> EntryCodec.decode(in[2]));
    });
  }
}
