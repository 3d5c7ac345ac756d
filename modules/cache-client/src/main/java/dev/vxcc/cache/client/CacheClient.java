package dev.vxcc.cache.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.vxcc.api.v1.CacheGetRequest;
import dev.vxcc.api.v1.CacheGetResponse;
import dev.vxcc.api.v1.CacheGrpcClient;
import dev.vxcc.api.v1.CachePutRequest;
import dev.vxcc.api.v1.CacheStatsRequest;
import dev.vxcc.api.v1.CacheStatsResponse;
import dev.vxcc.api.v1.FetchBloomFilterRequest;
import dev.vxcc.api.v1.FetchBloomFilterResponse;
import dev.vxcc.common.net.NodeTls;
import dev.vxcc.common.util.Digests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's handle on the cache's gRPC endpoint. Nothing here throws: lookups that fail for any
 * reason are misses ({@link #get}), puts report failure through their future, and a cache that is
 * down only costs the daemon its hits. Every call carries its own timeout.
 */
public final class CacheClient {
  private static final Logger LOG = LoggerFactory.getLogger(CacheClient.class);
  public static final long GET_TIMEOUT_MS = 10_000;
  public static final long PUT_TIMEOUT_MS = 5_000;
  public static final long BLOOM_TIMEOUT_MS = 10_000;
  public static final long LOCATE_TIMEOUT_MS = 5_000;
  /** Values larger than this are checked on a worker rather than the event loop. */
  private static final int INLINE_DIGEST_BYTES = 1 << 20;

  private final Vertx vertx;
  private final CacheGrpcClient stub;
  private final String token;
  private final String location;
  private final GrpcClient grpc;
  private final SocketAddress server;
  private final GrpcClient owned;

  /** Uses {@code grpc}, which the caller owns and closes. */
  public CacheClient(Vertx vertx, GrpcClient grpc, SocketAddress server, String token) {
    this(vertx, grpc, server, token, null);
  }

  private CacheClient(Vertx vertx, GrpcClient grpc, SocketAddress server, String token, GrpcClient owned) {
    this.vertx = vertx;
    this.stub = CacheGrpcClient.create(grpc, server);
    this.grpc = grpc;
    this.server = server;
    this.token = token;
    this.location = server.host() + ":" + server.port();
    this.owned = owned;
  }

  /**
   * A client with its own gRPC connection pool, closed by {@link #close()}.
   *
   * @param location {@code host:port} as answered by {@link #locate}
   * @throws IllegalArgumentException if the location is not {@code host:port}
   */
  public static CacheClient create(Vertx vertx, String location, String token, long maxValueBytes) {
    return create(vertx, location, token, maxValueBytes, NodeTls.of(vertx, null));
  }

  /** As above, with the given TLS settings instead of this node's (see {@link NodeTls#of}). */
  public static CacheClient create(Vertx vertx, String location, String token, long maxValueBytes, NodeTls tls) {
    SocketAddress addr = parseLocation(location);
    GrpcClient grpc = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(maxValueBytes + (1 << 20)),
        tls.applyTo(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)));
    return new CacheClient(vertx, grpc, addr, token, grpc);
  }

  public static CacheClient create(Vertx vertx, String location, String token) {
    return create(vertx, location, token, 256L << 20);
  }

  /** Asks the cache role, wherever it runs in the cluster, for its gRPC location ({@code host:port}). */
  public static Future<String> locate(Vertx vertx) {
    return vertx.eventBus().<JsonObject>request(CacheAddresses.LOCATE, new JsonObject(),
            new DeliveryOptions().setSendTimeout(LOCATE_TIMEOUT_MS))
        .map(m -> m.body().getString("location"))
        .compose(l -> l == null ? Future.failedFuture("cache answered without a location") : Future.succeededFuture(l));
  }

  static SocketAddress parseLocation(String location) {
    int colon = location == null ? -1 : location.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("cache location must be host:port, got '" + location + "'");
    }
    try {
      return SocketAddress.inetSocketAddress(Integer.parseInt(location.substring(colon + 1)), location.substring(0, colon));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cache location must be host:port, got '" + location + "'", e);
    }
  }

  public String location() {
    return location;
  }

  /** The value, or empty on a miss and on any failure (logged at debug): the caller compiles instead. */
  public Future<Optional<byte[]>> get(String key) {
    return lookup(key).otherwise(err -> {
      LOG.debug("cache get {} from {} failed: {}", key, location, err.toString());
      return Optional.empty();
    });
  }

  /**
   * Like {@link #get} but failures stay failures (gRPC status in {@link #statusOf}), for callers
   * that want to tell a miss from a refused or unreachable cache. A value whose digest does not
   * match what the cache sent fails with {@link IllegalStateException}.
   */
  public Future<Optional<byte[]>> lookup(String key) {
    return guard(() -> stub.get(CacheGetRequest.newBuilder().setToken(token).setKey(key).build()))
        .timeout(GET_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(this::verified);
  }

  private Future<Optional<byte[]>> verified(CacheGetResponse r) {
    if (!r.getFound()) {
      return Future.succeededFuture(Optional.empty());
    }
    byte[] value = r.getValue().toByteArray();
    if (r.getValueSha256().isEmpty()) {
      return Future.succeededFuture(Optional.of(value));
    }
    byte[] expected = r.getValueSha256().toByteArray();
    if (value.length <= INLINE_DIGEST_BYTES) {
      return check(value, expected);
    }
    return vertx.executeBlocking(() -> check(value, expected), false).compose(f -> f);
  }

  private static Future<Optional<byte[]>> check(byte[] value, byte[] expected) {
    return MessageDigest.isEqual(expected, Digests.sha256().digest(value))
        ? Future.succeededFuture(Optional.of(value))
        : Future.failedFuture(new IllegalStateException("cache value does not match its SHA-256"));
  }

  /** Stores a value; needs a servant token. Fails (never throws) on refusal, timeout or transport error. */
  public Future<Void> put(String key, byte[] value) {
    CachePutRequest msg = CachePutRequest.newBuilder()
        .setToken(token)
        .setKey(key)
        // The caller hands the array over; protobuf only reads it.
        .setValue(UnsafeByteOperations.unsafeWrap(value))
        .setValueSha256(ByteString.copyFrom(Digests.sha256().digest(value)))
        .build();
    // The token also rides in the metadata, so the cache can refuse before reading the value (PutGate).
    return guard(() -> grpc.request(server, CacheGrpcClient.Put).compose(req -> {
          req.headers().set(CacheAddresses.TOKEN_HEADER, token);
          return req.end(msg).compose(v -> req.response().compose(resp -> resp.last()));
        }))
        .timeout(PUT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  /** One Bloom filter fetch; {@link BloomFetcher} computes the arguments and applies the answer. */
  public Future<FetchBloomFilterResponse> fetchBloomFilter(long secondsSinceLastFullFetch, long secondsSinceLastFetch) {
    return guard(() -> stub.fetchBloomFilter(FetchBloomFilterRequest.newBuilder()
            .setToken(token)
            .setSecondsSinceLastFullFetch((int) Math.min(Integer.MAX_VALUE, secondsSinceLastFullFetch))
            .setSecondsSinceLastFetch((int) Math.min(Integer.MAX_VALUE, secondsSinceLastFetch))
            .build()))
        .timeout(BLOOM_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  public Future<CacheStatsResponse> stats() {
    return guard(() -> stub.stats(CacheStatsRequest.newBuilder().setToken(token).build()))
        .timeout(GET_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  /** The gRPC status a failed call ended with, if it got that far. */
  public static Optional<GrpcStatus> statusOf(Throwable failure) {
    if (failure instanceof InvalidStatusException e) {
      return Optional.of(e.actualStatus());
    }
    if (failure instanceof GrpcErrorException e) {
      return Optional.of(e.status());
    }
    return Optional.empty();
  }

  /** Closes the connection pool if {@link #create} made it. */
  public Future<Void> close() {
    return owned == null ? Future.succeededFuture() : owned.close();
  }

  /** Turns anything thrown while starting a call into a failed future. */
  private static <T> Future<T> guard(java.util.function.Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
