package dev.vxcc.common.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * @param expiredGrants grants the servant reported that the scheduler no longer knows: kill them
 * @param acceptableTokens delegate tokens the servant must accept on its gRPC endpoint
 */
public record HeartbeatReply(List<Long> expiredGrants, List<String> acceptableTokens) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("expiredGrants", Json.array(expiredGrants, l -> l))
        .put("acceptableTokens", Json.array(acceptableTokens, s -> s));
  }

  public static HeartbeatReply fromJson(JsonObject j) {
    return new HeartbeatReply(Json.longs(j, "expiredGrants"), Json.strings(j, "acceptableTokens"));
  }
}
