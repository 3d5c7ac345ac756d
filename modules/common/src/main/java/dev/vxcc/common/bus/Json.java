package dev.vxcc.common.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small helpers for mapping records to and from JSON on the event bus. */
public final class Json {
  private Json() {}

  public static <T> JsonArray array(List<T> items, Function<T, Object> mapper) {
    JsonArray a = new JsonArray();
    for (T t : items) {
      a.add(mapper.apply(t));
    }
    return a;
  }

  public static <T> List<T> list(JsonArray a, Function<Object, T> mapper) {
    List<T> out = new ArrayList<>();
    if (a != null) {
      for (Object o : a) {
        out.add(mapper.apply(o));
      }
    }
    return List.copyOf(out);
  }

  public static List<String> strings(JsonObject j, String key) {
    return list(j.getJsonArray(key), o -> (String) o);
  }

  public static List<Long> longs(JsonObject j, String key) {
    return list(j.getJsonArray(key), o -> ((Number) o).longValue());
  }

  public static JsonObject obj(Object o) {
    return (JsonObject) o;
  }
}
