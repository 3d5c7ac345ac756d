package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.common.bus.ClusterView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class InPlacePolicyTest {
  private static final String SELF = "127.0.0.1:8335";

  private static JsonObject servant(String location, int maxTasks, String... digests) {
    return new JsonObject().put("location", location).put("maxTasks", maxTasks).put("capacity", 0)
        .put("compilerDigests", new JsonArray(List.of((Object[]) digests)));
  }

  private static ClusterView view(JsonObject... servants) {
    return new ClusterView(new JsonArray(List.of((Object[]) servants)), List.of());
  }

  @Test
  void theOnlyServantBeingThisMachineCompilesInPlace() {
    assertTrue(InPlacePolicy.inPlace(view(servant(SELF, 1, "gcc")), "gcc", SELF));
    // Servants without this compiler, or that serve nobody, could not take the task anyway.
    assertTrue(InPlacePolicy.inPlace(view(servant(SELF, 1, "gcc"), servant("10.0.0.2:8335", 8, "clang"),
        servant("10.0.0.3:8335", 0, "gcc")), "gcc", SELF));
  }

  @Test
  void anyOtherServantForTheCompilerKeepsTheClusterPolicy() {
    // Even while it is busy (capacity 0): only its willingness to serve counts.
    assertFalse(InPlacePolicy.inPlace(view(servant(SELF, 1, "gcc"), servant("10.0.0.2:8335", 8, "gcc")), "gcc", SELF));
    assertFalse(InPlacePolicy.inPlace(view(servant("10.0.0.2:8335", 8, "gcc")), "gcc", SELF));
    // Our own servant lacks the compiler, has no servant, or there is no view yet.
    assertFalse(InPlacePolicy.inPlace(view(servant(SELF, 1, "clang")), "gcc", SELF));
    assertFalse(InPlacePolicy.inPlace(view(servant(SELF, 1, "gcc")), "gcc", null));
    assertFalse(InPlacePolicy.inPlace(null, "gcc", SELF));
  }
}
