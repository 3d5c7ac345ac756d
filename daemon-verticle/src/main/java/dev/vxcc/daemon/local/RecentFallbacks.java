package dev.vxcc.daemon.local;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;

/** The last few local fallbacks with their reasons, for the dashboard; bounded, oldest dropped. */
final class RecentFallbacks {
  static final int KEPT = 20;

  private record Fallback(long at, String reason) {}

  private final InstantSource clock;
  private final Deque<Fallback> last = new ArrayDeque<>();

  RecentFallbacks(InstantSource clock) {
    this.clock = clock;
  }

  synchronized void add(String reason) {
    if (last.size() == KEPT) {
      last.removeFirst();
    }
    last.addLast(new Fallback(clock.millis(), reason));
  }

  /** Newest first. */
  synchronized JsonArray toJson() {
    JsonArray out = new JsonArray();
    last.descendingIterator().forEachRemaining(f -> out.add(new JsonObject().put("at", f.at()).put("reason", f.reason())));
    return out;
  }
}
