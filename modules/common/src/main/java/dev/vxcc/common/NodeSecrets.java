package dev.vxcc.common;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The parts of a node's configuration that are secrets: tokens, the cache's sealing secret and the
 * TLS block. With {@code -ha} Vert.x copies every deployment's configuration into a Hazelcast map
 * that any member can read, so the launcher deploys the roles with {@link #withoutSecrets} and keeps
 * the secrets in a node-local map; each verticle reads its configuration through {@link #complete}.
 * A verticle that fails over to another node then runs with that node's own secrets.
 */
public final class NodeSecrets {
  private NodeSecrets() {}

  static final String LOCAL_MAP = "vxcc.node.secrets";
  static final String LOCAL_KEY = "secrets";

  /** Section and key of every secret; a section named alone (tls) is secret as a whole. */
  static final List<List<String>> SECRET_PATHS = List.of(
      List.of("scheduler", "userTokens"),
      List.of("scheduler", "servantTokens"),
      List.of("cache", "userTokens"),
      List.of("cache", "servantTokens"),
      List.of("cache", "hazelcastSecret"),
      List.of("daemon", "token"),
      List.of("tls"));

  public static JsonObject withoutSecrets(JsonObject config) {
    JsonObject out = config.copy();
    for (List<String> path : SECRET_PATHS) {
      if (path.size() == 1) {
        out.remove(path.get(0));
      } else if (out.getValue(path.get(0)) instanceof JsonObject section) {
        section.remove(path.get(1));
      }
    }
    return out;
  }

  public static JsonObject onlySecrets(JsonObject config) {
    JsonObject out = new JsonObject();
    for (List<String> path : SECRET_PATHS) {
      Object v = config.getValue(path.get(0));
      if (path.size() == 1) {
        if (v != null) {
          out.put(path.get(0), v);
        }
      } else if (v instanceof JsonObject section && section.containsKey(path.get(1))) {
        if (!(out.getValue(path.get(0)) instanceof JsonObject)) {
          out.put(path.get(0), new JsonObject());
        }
        out.getJsonObject(path.get(0)).put(path.get(1), section.getValue(path.get(1)));
      }
    }
    return out;
  }

  /** The launcher keeps this node's secrets where only verticles of this JVM see them. */
  public static void share(Vertx vertx, JsonObject config) {
    vertx.sharedData().<String, JsonObject>getLocalMap(LOCAL_MAP).put(LOCAL_KEY, onlySecrets(config));
  }

  /** A verticle's configuration with this node's secrets filled in wherever the deployment had none. */
  public static JsonObject complete(Vertx vertx, JsonObject deployed) {
    JsonObject secrets = vertx.sharedData().<String, JsonObject>getLocalMap(LOCAL_MAP).get(LOCAL_KEY);
    return secrets == null ? deployed : fillMissing(deployed, secrets);
  }

  static JsonObject fillMissing(JsonObject deployed, JsonObject secrets) {
    JsonObject out = deployed.copy();
    for (String key : secrets.fieldNames()) {
      Object mine = out.getValue(key);
      Object theirs = secrets.getValue(key);
      if (mine == null) {
        out.put(key, theirs instanceof JsonObject j ? j.copy() : theirs);
      } else if (mine instanceof JsonObject m && theirs instanceof JsonObject t) {
        out.put(key, fillMissing(m, t));
      }
    }
    return out;
  }
}
