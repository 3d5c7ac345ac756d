package dev.vxcc.common.net;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.TCPSSLOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS between nodes, built from the node config's {@value #CONFIG_KEY} block: every
 * event-bus connection and every gRPC server and client presents this node's certificate and
 * accepts only peers whose certificate the cluster CA signed. Verticles call only this class.
 *
 * <p>The block: {@code {"ca": ..., "cert": ..., "key": ...}}, each a PEM file path or the PEM
 * text itself (the key unencrypted PKCS#8), optionally {@code "verifyHost": true} to also check
 * that a server's certificate names the address dialled. Or {@code {"insecure": true}} for
 * plaintext, logged loudly. A node that is not clustered and has no block gets an ephemeral CA of
 * its own (see {@link #of}), so nothing ever listens in plaintext by default.
 */
public final class NodeTls {
  private static final Logger LOG = LoggerFactory.getLogger(NodeTls.class);
  public static final String CONFIG_KEY = "tls";
  /**
   * Node-local map where the resolved block is shared by the node's verticles; not {@link
   * dev.vxcc.common.NodeKeys#MAP}, whose entries the launcher prints.
   */
  static final String LOCAL_MAP = "vxcc.node.tls";
  static final String LOCAL_KEY = "tls";
  private static final String PEM_START = "-----BEGIN";

  private final JsonObject block;
  private final boolean insecure;

  private NodeTls(JsonObject block, boolean insecure) {
    this.block = block;
    this.insecure = insecure;
  }

  public static NodeTls insecure() {
    return new NodeTls(new JsonObject().put("insecure", true), true);
  }

  /**
   * Parses a {@value #CONFIG_KEY} block. Files are not read here (Vert.x reads them when it builds
   * the SSL context); {@link #check()} reads them up front for a clear start-up error.
   *
   * @throws IllegalArgumentException naming what is missing or wrong
   */
  public static NodeTls fromConfig(JsonObject tls) {
    if (tls == null) {
      throw new IllegalArgumentException("no \"tls\" block");
    }
    Object insecure = tls.getValue("insecure");
    if (insecure != null && !(insecure instanceof Boolean)) {
      throw new IllegalArgumentException("tls.insecure must be true or false");
    }
    if (Boolean.TRUE.equals(insecure)) {
      return insecure();
    }
    for (String k : List.of("ca", "cert", "key")) {
      Object v = tls.getValue(k);
      if (!(v instanceof String s) || s.isBlank()) {
        throw new IllegalArgumentException("tls." + k + " must name a PEM file (or hold PEM text); create them with 'vxcc-node certs'");
      }
    }
    Object verify = tls.getValue("verifyHost");
    if (verify != null && !(verify instanceof Boolean)) {
      throw new IllegalArgumentException("tls.verifyHost must be true or false");
    }
    return new NodeTls(tls.copy(), false);
  }

  /** A fresh CA known only to this process and a node certificate for {@code hosts}; never written to disk. */
  public static NodeTls ephemeral(List<String> hosts) {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    names.addAll(hosts);
    ClusterCa ca = ClusterCa.create("vxcc ephemeral CA", Duration.ofDays(3650));
    ClusterCa.NodeCert node = ca.issue("vxcc node", new ArrayList<>(names), Duration.ofDays(3650));
    return new NodeTls(new JsonObject().put("ca", ca.certPem()).put("cert", node.certPem()).put("key", node.keyPem()), false);
  }

  /**
   * The TLS settings of the node {@code vertx} runs: the config's block if it has one, else the
   * block the launcher (or an earlier verticle) shared in this Vert.x instance, else, for a node
   * that is not clustered, an ephemeral CA shared by all verticles of this Vert.x instance.
   *
   * @throws IllegalArgumentException if the block is malformed, or a clustered node has none
   */
  public static NodeTls of(Vertx vertx, JsonObject nodeConfig) {
    JsonObject own = blockOf(nodeConfig);
    var shared = vertx.sharedData().<String, JsonObject>getLocalMap(LOCAL_MAP);
    if (own != null) {
      NodeTls tls = fromConfig(own);
      // Clients built without the config (the cache client) then use the same settings.
      shared.putIfAbsent(LOCAL_KEY, tls.toJson());
      return tls;
    }
    JsonObject published = shared.get(LOCAL_KEY);
    if (published != null) {
      return fromConfig(published);
    }
    if (vertx.isClustered()) {
      throw new IllegalArgumentException(missingForCluster());
    }
    return fromConfig(shared.computeIfAbsent(LOCAL_KEY, k -> ephemeral(List.of()).toJson()));
  }

  /** The node config's {@value #CONFIG_KEY} block, or null if it has none. */
  public static JsonObject blockOf(JsonObject nodeConfig) {
    Object b = nodeConfig == null ? null : nodeConfig.getValue(CONFIG_KEY);
    if (b != null && !(b instanceof JsonObject)) {
      throw new IllegalArgumentException("\"tls\" must be an object like {\"ca\": ..., \"cert\": ..., \"key\": ...}");
    }
    return (JsonObject) b;
  }

  /** Makes this the block verticles of {@code vertx} use when their own config has none. */
  public void share(Vertx vertx) {
    vertx.sharedData().<String, JsonObject>getLocalMap(LOCAL_MAP).put(LOCAL_KEY, toJson());
  }

  /** The one-line reason a clustered node without TLS settings refuses to start, naming the fix. */
  public static String missingForCluster() {
    return "a clustered node needs \"tls\": {\"ca\", \"cert\", \"key\"} in its config (create them with"
        + " 'vxcc-node certs'), or \"tls\": {\"insecure\": true} for plaintext on a trusted network";
  }

  /**
   * Reads the configured files, so a wrong path fails at start with its name instead of at the
   * first connection. Blocking: call from the launcher's thread or a worker.
   */
  public void check() {
    if (insecure) {
      return;
    }
    for (String k : List.of("ca", "cert", "key")) {
      String v = block.getString(k);
      String text;
      try {
        text = v.startsWith(PEM_START) ? v : java.nio.file.Files.readString(java.nio.file.Path.of(v));
      } catch (java.io.IOException | RuntimeException e) {
        throw new IllegalArgumentException("tls." + k + ": cannot read " + v + ": " + e.getMessage());
      }
      if (!text.contains(PEM_START)) {
        throw new IllegalArgumentException("tls." + k + ": " + v + " is not a PEM file");
      }
    }
  }

  public boolean secure() {
    return !insecure;
  }

  public JsonObject toJson() {
    return block.copy();
  }

  /** Logs the plaintext warning; the launcher calls it once at start. */
  public void warnIfInsecure(String where) {
    if (insecure) {
      LOG.warn("!!! INSECURE: tls.insecure is set: {} traffic is PLAINTEXT and UNAUTHENTICATED; any process that can"
          + " reach these ports can join, read tokens and send work. Use 'vxcc-node certs' and a \"tls\" block. !!!", where);
    }
  }

  public EventBusOptions applyTo(EventBusOptions eb) {
    if (insecure) {
      return eb.setSsl(false);
    }
    common(eb);
    return eb.setClientAuth(ClientAuth.REQUIRED);
  }

  public HttpServerOptions applyTo(HttpServerOptions server) {
    if (insecure) {
      return server.setSsl(false);
    }
    common(server);
    return server.setClientAuth(ClientAuth.REQUIRED);
  }

  public HttpClientOptions applyTo(HttpClientOptions client) {
    if (insecure) {
      return client.setSsl(false);
    }
    common(client);
    // Membership is the CA's signature; checking names as well is opt-in, since nodes are often
    // dialled by an address the operator did not put in the certificate.
    return client.setVerifyHost(block.getBoolean("verifyHost", false));
  }

  private void common(TCPSSLOptions o) {
    o.setSsl(true).setUseAlpn(true).setSslEngineOptions(engine())
        .setKeyCertOptions(keyCert())
        .setTrustOptions(trust());
  }

  private PemKeyCertOptions keyCert() {
    PemKeyCertOptions k = new PemKeyCertOptions();
    String cert = block.getString("cert");
    String key = block.getString("key");
    if (cert.startsWith(PEM_START)) {
      k.setCertValue(Buffer.buffer(cert));
    } else {
      k.setCertPath(cert);
    }
    if (key.startsWith(PEM_START)) {
      k.setKeyValue(Buffer.buffer(key));
    } else {
      k.setKeyPath(key);
    }
    return k;
  }

  private PemTrustOptions trust() {
    String ca = block.getString("ca");
    return ca.startsWith(PEM_START) ? new PemTrustOptions().addCertValue(Buffer.buffer(ca)) : new PemTrustOptions().addCertPath(ca);
  }

  private static SSLEngineOptions engine() {
    if (OpenSSLEngineOptions.isAvailable()) {
      return new OpenSSLEngineOptions();
    }
    LOG.warn("OpenSSL (netty-tcnative) is not available on this platform: TLS uses the slower JDK engine");
    return new JdkSSLEngineOptions();
  }

  @Override
  public String toString() {
    return insecure ? "plaintext (insecure)" : "mutual TLS";
  }
}
