package dev.vxcc.cache;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.vxcc.api.v1.CacheGetRequest;
import dev.vxcc.api.v1.CacheGetResponse;
import dev.vxcc.api.v1.CachePutRequest;
import dev.vxcc.api.v1.CachePutResponse;
import dev.vxcc.api.v1.CacheService;
import dev.vxcc.api.v1.CacheStatsRequest;
import dev.vxcc.api.v1.CacheStatsResponse;
import dev.vxcc.api.v1.FetchBloomFilterRequest;
import dev.vxcc.api.v1.FetchBloomFilterResponse;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** gRPC face of the {@link CacheStore}: checks tokens and keys, then runs the store on the worker pool. */
final class CacheEndpoint extends CacheService {
  private static final Logger LOG = LoggerFactory.getLogger(CacheEndpoint.class);

  private final CacheStore store;
  private final WorkerExecutor workers;
  private final Set<String> userTokens;
  private final Set<String> servantTokens;
  private final long maxEntryBytes;

  CacheEndpoint(CacheStore store, WorkerExecutor workers, CacheConfig cfg) {
    this.store = store;
    this.workers = workers;
    this.userTokens = cfg.userTokens();
    this.servantTokens = cfg.servantTokens();
    this.maxEntryBytes = cfg.maxEntryBytes();
  }

  private boolean mayRead(String token) {
    return userTokens.contains(token) || servantTokens.contains(token);
  }

  @Override
  public Future<CacheGetResponse> get(CacheGetRequest req) {
    if (!mayRead(req.getToken())) {
      return denied();
    }
    if (!CacheKeys.isValid(req.getKey())) {
      return invalid(badKey(req.getKey()));
    }
    if (CacheKeys.isHttp(req.getKey())) {
      return invalid("keys starting with '" + CacheKeys.HTTP_PREFIX + "' belong to the cache's HTTP endpoint");
    }
    return blocking(() -> store.get(req.getKey())
        .map(v -> CacheGetResponse.newBuilder().setFound(true)
            // Values are never mutated once stored, so wrapping instead of copying is safe.
            .setValue(UnsafeByteOperations.unsafeWrap(v))
            .setValueSha256(ByteString.copyFrom(EntryCodec.sha256(v)))
            .build())
        .orElse(CacheGetResponse.getDefaultInstance()));
  }

  @Override
  public Future<CachePutResponse> put(CachePutRequest req) {
    // Only servants write: a user who could put could hand everyone else a poisoned object file.
    if (!servantTokens.contains(req.getToken())) {
      return denied();
    }
    if (!CacheKeys.isValid(req.getKey())) {
      return invalid(badKey(req.getKey()));
    }
    if (CacheKeys.isHttp(req.getKey())) {
      return invalid("keys starting with '" + CacheKeys.HTTP_PREFIX + "' belong to the cache's HTTP endpoint");
    }
    if (req.getValue().size() > maxEntryBytes) {
      return invalid("value of " + req.getValue().size() + " bytes exceeds cache.maxEntryBytes " + maxEntryBytes);
    }
    return blocking(() -> {
      byte[] value = req.getValue().toByteArray();
      if (!req.getValueSha256().isEmpty()
          && !MessageDigest.isEqual(req.getValueSha256().toByteArray(), EntryCodec.sha256(value))) {
        throw new StatusException(GrpcStatus.INVALID_ARGUMENT, "value_sha256 does not match the value");
      }
      store.put(req.getKey(), value);
      LOG.debug("put {} ({} bytes)", req.getKey(), value.length);
      return CachePutResponse.getDefaultInstance();
    });
  }

  @Override
  public Future<FetchBloomFilterResponse> fetchBloomFilter(FetchBloomFilterRequest req) {
    if (!mayRead(req.getToken())) {
      return denied();
    }
    BloomGenerator bloom = store.bloom();
    return blocking(() -> {
      BloomGenerator.Update u;
      try {
        u = bloom.fetch(Integer.toUnsignedLong(req.getSecondsSinceLastFullFetch()),
            Integer.toUnsignedLong(req.getSecondsSinceLastFetch()));
      } catch (IllegalArgumentException e) {
        throw new StatusException(GrpcStatus.INVALID_ARGUMENT, e.getMessage());
      }
      FetchBloomFilterResponse.Builder b = FetchBloomFilterResponse.newBuilder()
          .setExpectedKeys(bloom.expectedKeys())
          .setFalsePositiveRate(bloom.falsePositiveRate());
      return switch (u) {
        case BloomGenerator.Incremental inc -> b.setIncremental(true).addAllNewlyPopulatedKeys(inc.keys()).build();
        case BloomGenerator.Full full -> b.setIncremental(false)
            .setFilterZstd(UnsafeByteOperations.unsafeWrap(full.filterZstd()))
            .setKeys(full.keys())
            .build();
      };
    });
  }

  @Override
  public Future<CacheStatsResponse> stats(CacheStatsRequest req) {
    if (!mayRead(req.getToken())) {
      return denied();
    }
    return blocking(() -> store.stats().toProto());
  }

  /** Runs on the worker pool; anything but a {@link StatusException} becomes INTERNAL. */
  private <T> Future<T> blocking(Callable<T> work) {
    return workers.executeBlocking(work, false).recover(e -> {
      if (e instanceof StatusException) {
        return Future.failedFuture(e);
      }
      LOG.warn("cache request failed", e);
      return Future.failedFuture(new StatusException(GrpcStatus.INTERNAL, String.valueOf(e.getMessage())));
    });
  }

  private static <T> Future<T> denied() {
    return Future.failedFuture(new StatusException(GrpcStatus.PERMISSION_DENIED, "invalid token"));
  }

  private static <T> Future<T> invalid(String message) {
    return Future.failedFuture(new StatusException(GrpcStatus.INVALID_ARGUMENT, message));
  }

  private static String badKey(String key) {
    try {
      CacheKeys.requireValid(key);
      return "invalid cache key";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
