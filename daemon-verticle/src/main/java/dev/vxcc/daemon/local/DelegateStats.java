package dev.vxcc.daemon.local;

import dev.vxcc.daemon.args.CacheMissReason;
import dev.vxcc.daemon.args.LocalReason;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters shown by {@code vxcc --stats}: what ran where, and why anything ran locally. */
final class DelegateStats {
  final AtomicLong invocations = new AtomicLong();
  final AtomicLong submitted = new AtomicLong();
  final AtomicLong remote = new AtomicLong();
  final AtomicLong retried = new AtomicLong();
  final AtomicLong remoteFailed = new AtomicLong();
  final AtomicLong preprocessFallbacks = new AtomicLong();
  /** Joined an identical task submitted to this daemon at the same time. */
  final AtomicLong sharedLocal = new AtomicLong();
  final AtomicLong cacheHits = new AtomicLong();
  /** Joined an identical task already running on some servant for another daemon. */
  final AtomicLong sharedRemote = new AtomicLong();
  private final Map<String, AtomicLong> localByReason = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> remoteByServant = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> cacheMissByReason = new ConcurrentHashMap<>();
  private volatile Listener listener = Listener.NONE;

  /** Events that carry more than a count (a reason, a duration): for metrics and the dashboard. */
  interface Listener {
    Listener NONE = new Listener() {};

    default void local(LocalReason reason) {}

    default void cacheMiss(CacheMissReason reason) {}

    /** How long a task waited for a grant (successful or not). */
    default void grantWait(long millis) {}

    /** One phase of one task, by name (e.g. "remote": grant to result). */
    default void phase(String name, long millis) {}
  }

  void listen(Listener l) {
    listener = l;
  }

  void local(LocalReason reason) {
    localByReason.computeIfAbsent(reason.code(), r -> new AtomicLong()).incrementAndGet();
    listener.local(reason);
  }

  void cacheMiss(CacheMissReason reason) {
    cacheMissByReason.computeIfAbsent(reason.code(), r -> new AtomicLong()).incrementAndGet();
    listener.cacheMiss(reason);
  }

  void grantWait(long millis) {
    listener.grantWait(millis);
  }

  void phase(String name, long millis) {
    listener.phase(name, millis);
  }

  void ranOn(String servant) {
    remote.incrementAndGet();
    remoteByServant.computeIfAbsent(servant, r -> new AtomicLong()).incrementAndGet();
  }

  long localTotal() {
    return localByReason.values().stream().mapToLong(AtomicLong::get).sum();
  }

  JsonObject toJson() {
    JsonObject reasons = new JsonObject();
    new TreeMap<>(localByReason).forEach((k, v) -> reasons.put(k, v.get()));
    JsonObject servants = new JsonObject();
    new TreeMap<>(remoteByServant).forEach((k, v) -> servants.put(k, v.get()));
    JsonObject misses = new JsonObject();
    new TreeMap<>(cacheMissByReason).forEach((k, v) -> misses.put(k, v.get()));
    return new JsonObject()
        .put("invocations", invocations.get())
        .put("submitted", submitted.get())
        .put("remote", remote.get())
        .put("local", localTotal())
        .put("retried", retried.get())
        .put("remoteFailed", remoteFailed.get())
        .put("preprocessFallbacks", preprocessFallbacks.get())
        .put("cacheHits", cacheHits.get())
        .put("sharedLocal", sharedLocal.get())
        .put("sharedRemote", sharedRemote.get())
        .put("localByReason", reasons)
        .put("remoteByServant", servants)
        .put("cacheMissByReason", misses);
  }

  String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("invocations            %d%n", invocations.get()));
    sb.append(String.format("submitted for remote   %d%n", submitted.get()));
    sb.append(String.format("compiled remotely      %d%n", remote.get()));
    sb.append(String.format("from the shared cache  %d%n", cacheHits.get()));
    sb.append(String.format("run locally            %d%n", localTotal()));
    new TreeMap<>(localByReason).forEach((k, v) -> sb.append(String.format("  %-22s %d%n", k, v.get())));
    sb.append(String.format("retried elsewhere      %d%n", retried.get()));
    sb.append(String.format("remote failures        %d%n", remoteFailed.get()));
    sb.append(String.format("preprocess fallbacks   %d%n", preprocessFallbacks.get()));
    sb.append(String.format("shared (this daemon)   %d%n", sharedLocal.get()));
    sb.append(String.format("shared (cluster)       %d%n", sharedRemote.get()));
    new TreeMap<>(remoteByServant).forEach((k, v) -> sb.append(String.format("  on %-19s %d%n", k, v.get())));
    return sb.toString();
  }
}
