package dev.vxcc.scheduler;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * The cluster view as served on the bus, built at most once per {@link SchedulerConfig#VIEW_MAX_AGE_MS}
 * for each audience. Every delegate asks for it once a second and building it walks every servant and
 * running task, so without this the loop that grants would spend that walk per delegate rather than a
 * few times a second. A view that old serves a delegate as well: it polls once a second and trusts a
 * view for five. A servant that joined or left makes it rebuild at once, so that whoever just saw a
 * heartbeat answered also sees the servant in the view. Not thread-safe; the verticle's event loop only.
 */
final class ViewCache {
  private record Built(JsonObject json, Instant at, long membership) {}

  private final SchedulerConfig config;
  private final InstantSource clock;
  private final TaskDispatcher dispatcher;
  private final Map<String, Built> byToken = new HashMap<>();

  ViewCache(SchedulerConfig config, InstantSource clock, TaskDispatcher dispatcher) {
    this.config = config;
    this.clock = clock;
    this.dispatcher = dispatcher;
  }

  /**
   * The view {@code token} may see, as JSON. The reply codec copies or encodes it, so one object can
   * answer many requests.
   */
  JsonObject view(String token) {
    // A token that is neither a user's nor a servant's sees what no token sees; keying by it would let
    // anyone grow the map.
    String key = config.userTokens().contains(token) || config.servantTokens().contains(token) ? token : "";
    Instant now = clock.instant();
    Built b = byToken.get(key);
    long membership = dispatcher.membership();
    if (b == null || b.membership() != membership || now.isBefore(b.at())
        || !now.isBefore(b.at().plusMillis(SchedulerConfig.VIEW_MAX_AGE_MS))) {
      b = new Built(dispatcher.view(key).toJson(), now, membership);
      byToken.put(key, b);
    }
    return b.json();
  }
}
