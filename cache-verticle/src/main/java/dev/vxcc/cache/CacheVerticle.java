package dev.vxcc.cache;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache role. The shared cache (L1 + L2 + Bloom filter) is its own piece of work; until it
 * lands this verticle only answers its stats address, so that "all" deployments and scripts
 * already include the role and daemons see it as present but empty.
 */
public final class CacheVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CacheVerticle.class);
  public static final String STATS_ADDRESS = "vxcc.cache.stats";

  @Override
  public Future<?> start() {
    return vertx.eventBus()
        .consumer(STATS_ADDRESS, m -> m.reply(new JsonObject().put("entries", 0).put("enabled", false)))
        .completion()
        .onSuccess(v -> LOG.info("cache role started (no storage engine yet: every lookup misses)"));
  }
}
