package dev.vxcc.e2e;

import dev.vxcc.api.v1.CacheGrpcClient;
import dev.vxcc.api.v1.ServantGrpcClient;
import dev.vxcc.common.net.NodeTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process in the test JVM acting as an attacker: it joins Hazelcast under the cluster's name
 * (which is all a foreign JVM needs to become a member) and calls the servant and cache gRPC
 * ports, with whatever TLS identity it was given: a certificate of the cluster CA, one of a
 * foreign CA, or none at all.
 */
final class Attacker implements AutoCloseable {
  final Vertx vertx;
  private final GrpcClient grpc;

  private Attacker(Vertx vertx, NodeTls tls) {
    this.vertx = vertx;
    // Larger than any bound a node applies, so every refusal seen is the node's, not ours.
    this.grpc = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(1L << 31),
        tls.applyTo(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)));
  }

  /** An extra Hazelcast member on the given port; the cluster's member list already names it. */
  static Attacker joining(Path clusterXml, int port, List<String> members, String clusterName, NodeTls tls) throws Exception {
    Vertx v = await(dev.vxcc.node.Clustering.start(new VertxOptions(), clusterXml, "127.0.0.1", port, members, clusterName, tls));
    return new Attacker(v, tls);
  }

  /** Not a member at all: only reaches the gRPC ports. */
  static Attacker outsider(NodeTls tls) {
    return new Attacker(Vertx.vertx(), tls);
  }

  ServantGrpcClient servant(String location) {
    return ServantGrpcClient.create(grpc, address(location));
  }

  CacheGrpcClient cache(String location) {
    return CacheGrpcClient.create(grpc, address(location));
  }

  private static SocketAddress address(String location) {
    int colon = location.lastIndexOf(':');
    return SocketAddress.inetSocketAddress(Integer.parseInt(location.substring(colon + 1)), location.substring(0, colon));
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /**
   * One zstd frame whose header declares {@code size} bytes, made of RLE blocks (4 bytes for each
   * 128 KiB of zeros): 1 GiB - 1 takes 32 KiB. Written by hand so the test never holds the
   * gigabyte itself.
   */
  static byte[] zstdBomb(long size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD});
    // Frame header descriptor: 4-byte content size, single segment (window = content size).
    out.write(0xA0);
    for (int i = 0; i < 4; i++) {
      out.write((int) (size >>> (8 * i)) & 0xFF);
    }
    long left = size;
    while (left > 0) {
      int n = (int) Math.min(left, 128 * 1024);
      left -= n;
      int header = (left == 0 ? 1 : 0) | (1 << 1) | (n << 3); // last?, RLE, block size
      out.write(header & 0xFF);
      out.write((header >>> 8) & 0xFF);
      out.write((header >>> 16) & 0xFF);
      out.write(0); // the byte repeated
    }
    return out.toByteArray();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
