package dev.vxcc.common.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** Event-bus bodies are JSON objects; a missing or foreign body is a protocol error. */
public final class JsonBody {
  private JsonBody() {}

  public static JsonObject of(Message<?> m) {
    if (m.body() instanceof JsonObject j) {
      return j;
    }
    throw new IllegalArgumentException("expected a JSON object body on " + m.address());
  }
}
