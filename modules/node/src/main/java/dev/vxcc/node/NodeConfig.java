package dev.vxcc.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * The configuration a node runs with: the installation's {@code conf/vxcc.json} with the user's
 * {@code -conf} merged over it key by key, so a file that names only what differs is enough.
 */
final class NodeConfig {
  private NodeConfig() {}

  /**
   * @param defaults the installation's file (may be absent)
   * @param conf     null, a path, or inline JSON (starts with '{')
   * @throws IllegalArgumentException with a one-line message a user can act on
   */
  static JsonObject load(Path defaults, String conf) {
    return merge(defaults(defaults), user(conf));
  }

  static JsonObject defaults(Path defaults) {
    return Files.exists(defaults) ? parse(read(defaults), defaults.toString()) : new JsonObject();
  }

  /** What the user gave with {@code -conf}: null, a path, or inline JSON (starts with '{'). */
  static JsonObject user(String conf) {
    if (conf == null) {
      return new JsonObject();
    }
    return conf.trim().startsWith("{") ? parse(conf, "-conf") : parse(read(Path.of(conf)), "-conf " + conf);
  }

  /**
   * A clustered node's gRPC endpoints must be reachable, and their address is also what other nodes
   * are told to dial: unless the user named them, they follow {@code -cluster-host} instead of the
   * loopback default.
   */
  static JsonObject servingOnClusterHost(JsonObject merged, JsonObject user, String clusterHost) {
    JsonObject out = merged.copy();
    if (!(user.getValue("daemon") instanceof JsonObject d && d.containsKey("servingHost"))) {
      section(out, "daemon").put("servingHost", clusterHost);
    }
    if (!(user.getValue("cache") instanceof JsonObject c && c.containsKey("host"))) {
      section(out, "cache").put("host", clusterHost);
    }
    return out;
  }

  /** Objects merge recursively; any other value (arrays included) of the user replaces the default. */
  static JsonObject merge(JsonObject base, JsonObject user) {
    JsonObject out = base.copy();
    for (String key : user.fieldNames()) {
      Object mine = user.getValue(key);
      Object theirs = out.getValue(key);
      out.put(key, mine instanceof JsonObject m && theirs instanceof JsonObject t ? merge(t, m) : mine);
    }
    return out;
  }

  /**
   * A node that runs alone talks only to itself, so it needs no shared secret: an empty token gets a
   * fresh random one for this process. A clustered node must be given its tokens (they are shared
   * with the other nodes), so it is left to the roles to refuse the empty ones with their own message.
   */
  static JsonObject withProcessTokens(JsonObject config) {
    return withProcessTokens(config, NodeConfig::randomToken);
  }

  static JsonObject withProcessTokens(JsonObject config, Supplier<String> random) {
    JsonObject out = config.copy();
    String token = random.get();
    JsonObject scheduler = section(out, "scheduler");
    JsonObject cache = section(out, "cache");
    JsonObject daemon = section(out, "daemon");
    fillList(scheduler, "userTokens", token);
    fillList(scheduler, "servantTokens", token);
    fillList(cache, "userTokens", token);
    fillList(cache, "servantTokens", token);
    if (daemon.getString("token", "").isEmpty()) {
      daemon.put("token", token);
    }
    return out;
  }

  private static JsonObject section(JsonObject config, String name) {
    if (!(config.getValue(name) instanceof JsonObject)) {
      config.put(name, new JsonObject());
    }
    return config.getJsonObject(name);
  }

  private static void fillList(JsonObject section, String key, String token) {
    Object v = section.getValue(key);
    if (v == null || (v instanceof JsonArray a && a.isEmpty())) {
      section.put(key, new JsonArray().add(token));
    }
  }

  static String randomToken() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("configuration file " + p + " does not exist");
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read configuration file " + p + ": " + e.getMessage());
    }
  }

  private static JsonObject parse(String text, String what) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage());
    }
  }
}
