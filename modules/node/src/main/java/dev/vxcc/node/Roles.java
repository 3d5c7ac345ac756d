package dev.vxcc.node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Maps role names to the verticles that make them up; deployed by name so that HA can redeploy them. */
final class Roles {
  private Roles() {}

  static final String SCHEDULER = "dev.vxcc.scheduler.SchedulerVerticle";
  static final String CACHE = "dev.vxcc.cache.CacheVerticle";
  static final String SERVANT = "dev.vxcc.daemon.servant.ServantVerticle";
  static final String DELEGATE = "dev.vxcc.daemon.local.LocalApiVerticle";
  /** Holds the local API's socket while delegates behind it are redeployed. */
  static final String FRONT = "dev.vxcc.daemon.local.LocalApiFront";

  /** The role names in {@code roles}, "all" expanded, in the order their verticles start. */
  static List<String> names(String roles) {
    Set<String> names = new LinkedHashSet<>();
    for (String r : roles.split(",")) {
      switch (r.trim()) {
        case "all" -> names.addAll(List.of("scheduler", "cache", "daemon"));
        case "scheduler", "cache", "daemon" -> names.add(r.trim());
        default -> throw new IllegalArgumentException("unknown role '" + r.trim() + "' (use scheduler, cache, daemon or all)");
      }
    }
    return List.of("scheduler", "cache", "daemon").stream().filter(names::contains).toList();
  }

  static List<String> verticles(String roles) {
    List<String> names = names(roles);
    // The scheduler first: daemons heartbeat to it as soon as they start.
    List<String> out = new ArrayList<>();
    if (names.contains("scheduler")) {
      out.add(SCHEDULER);
    }
    if (names.contains("cache")) {
      out.add(CACHE);
    }
    if (names.contains("daemon")) {
      out.add(SERVANT);
      out.add(FRONT);
      out.add(DELEGATE);
    }
    return out;
  }
}
