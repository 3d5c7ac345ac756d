package dev.vxcc.daemon.local;

import dev.vxcc.daemon.PhaseTimes;
import dev.vxcc.daemon.args.CacheMissReason;
import dev.vxcc.daemon.args.LocalReason;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters shown by {@code vxcc --stats}: what ran where, and why anything ran locally. */
// Shareable: a redeployed delegate takes over its predecessor's counters (node-local map, by reference).
final class DelegateStats implements io.vertx.core.shareddata.Shareable {
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
  /** Compiled on this node's own servant without the network: it was the only servant for the compiler. */
  final AtomicLong inPlace = new AtomicLong();
  /** In place on the caller's own files, without a preprocessor pass (HostCompile); counted in inPlace too. */
  final AtomicLong dependInPlace = new AtomicLong();
  /** Where remote tasks' time goes, phase by phase. */
  final PhaseTimes phases = new PhaseTimes(PhaseTimes.DELEGATE);
  /** Duplicates started for stragglers, and how many of them finished first. */
  final AtomicLong hedged = new AtomicLong();
  final AtomicLong hedgesWon = new AtomicLong();
  /** Compiles sent as source trees (servant SourceTree), whatever their outcome. */
  final AtomicLong sourceTree = new AtomicLong();
  /** Compiles that printed on the preprocessed-text path, sent as source trees instead (again, or from the start next time). */
  final AtomicLong printingToTree = new AtomicLong();
  /** sourceTreeFirst compiles no servant would take as a tree, sent as preprocessed text instead. */
  final AtomicLong treeToText = new AtomicLong();
  /** Answered from a manifest without running the preprocessor. */
  final AtomicLong directHits = new AtomicLong();
  /** Preprocess directives given (first recipe and fallback). */
  final AtomicLong preprocessorRuns = new AtomicLong();
  final AtomicLong manifestsRecorded = new AtomicLong();
  /** Recordings started and not yet answered by the cache: the next lookup may not see them. */
  final AtomicLong manifestsInFlight = new AtomicLong();
  private final Map<String, AtomicLong> localByReason = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> remoteByServant = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> cacheMissByReason = new ConcurrentHashMap<>();
  private final Map<RepeatReason, AtomicLong> repeatedByReason = new ConcurrentHashMap<>();
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

  /** One more run of a compile that had already run (or may have) for the same invocation. */
  void repeated(RepeatReason reason) {
    repeatedByReason.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
  }

  long repeatedTotal() {
    return repeatedByReason.values().stream().mapToLong(AtomicLong::get).sum();
  }

  long repeatedAfterOurFailures() {
    return repeatedByReason.entrySet().stream().filter(e -> e.getKey().ours()).mapToLong(e -> e.getValue().get()).sum();
  }

  /**
   * Compiles whose object came from the cluster (a servant or the shared cache) over all that
   * finished; 0 before any did. Shared runs count once, on the delegate that submitted them.
   */
  double remoteShare() {
    long away = remote.get() + cacheHits.get();
    long all = away + localTotal();
    return all == 0 ? 0 : (double) away / all;
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
    JsonObject repeats = new JsonObject();
    for (RepeatReason r : RepeatReason.values()) {
      repeats.put(r.code(), repeatedCount(r));
    }
    return new JsonObject()
        .put("invocations", invocations.get())
        .put("submitted", submitted.get())
        .put("remote", remote.get())
        .put("local", localTotal())
        .put("remoteShare", remoteShare())
        .put("repeated", repeatedTotal())
        .put("repeatedAfterOurFailures", repeatedAfterOurFailures())
        .put("repeatedByReason", repeats)
        .put("retried", retried.get())
        .put("remoteFailed", remoteFailed.get())
        .put("preprocessFallbacks", preprocessFallbacks.get())
        .put("cacheHits", cacheHits.get())
        .put("directHits", directHits.get())
        .put("preprocessorRuns", preprocessorRuns.get())
        .put("manifestsRecorded", manifestsRecorded.get())
        .put("manifestsInFlight", manifestsInFlight.get())
        .put("sharedLocal", sharedLocal.get())
        .put("sharedRemote", sharedRemote.get())
        .put("inPlace", inPlace.get())
        .put("dependInPlace", dependInPlace.get())
        .put("hedged", hedged.get())
        .put("hedgesWon", hedgesWon.get())
        .put("sourceTree", sourceTree.get())
        .put("printingToTree", printingToTree.get())
        .put("treeToText", treeToText.get())
        .put("localByReason", reasons)
        .put("remoteByServant", servants)
        .put("cacheMissByReason", misses)
        .put("phases", phases.toJson());
  }

  private long repeatedCount(RepeatReason r) {
    AtomicLong n = repeatedByReason.get(r);
    return n == null ? 0 : n.get();
  }

  String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("invocations            %d%n", invocations.get()));
    sb.append(String.format("submitted for remote   %d%n", submitted.get()));
    sb.append(String.format("compiled remotely      %d%n", remote.get()));
    sb.append(String.format("from the shared cache  %d%n", cacheHits.get()));
    sb.append(String.format("  direct (no cpp)      %d%n", directHits.get()));
    sb.append(String.format("preprocessor runs      %d%n", preprocessorRuns.get()));
    sb.append(String.format("manifests recorded     %d%n", manifestsRecorded.get()));
    sb.append(String.format("source trees           %d (printing, sent as trees: %d; trees sent as text instead: %d)%n",
        sourceTree.get(), printingToTree.get(), treeToText.get()));
    sb.append(String.format("run locally            %d%n", localTotal()));
    new TreeMap<>(localByReason).forEach((k, v) -> sb.append(String.format("  %-22s %d%n", k, v.get())));
    sb.append(String.format("remote share           %.1f %%%n", 100 * remoteShare()));
    sb.append(String.format("compiled twice         %d (after a failure of ours: %d)%n", repeatedTotal(), repeatedAfterOurFailures()));
    for (RepeatReason r : RepeatReason.values()) {
      if (repeatedCount(r) > 0) {
        sb.append(String.format("  %-22s %d%n", r.code(), repeatedCount(r)));
      }
    }
    sb.append(String.format("retried elsewhere      %d%n", retried.get()));
    sb.append(String.format("remote failures        %d%n", remoteFailed.get()));
    sb.append(String.format("preprocess fallbacks   %d%n", preprocessFallbacks.get()));
    sb.append(String.format("shared (this daemon)   %d%n", sharedLocal.get()));
    sb.append(String.format("shared (cluster)       %d%n", sharedRemote.get()));
    sb.append(String.format("in place (own servant) %d%n", inPlace.get()));
    sb.append(String.format("  on your own files    %d%n", dependInPlace.get()));
    new TreeMap<>(remoteByServant).forEach((k, v) -> sb.append(String.format("  on %-19s %d%n", k, v.get())));
    if (!cacheMissByReason.isEmpty()) {
      sb.append("cache misses\n");
      new TreeMap<>(cacheMissByReason).forEach((k, v) -> sb.append(String.format("  %-22s %d%n", k, v.get())));
    }
    String times = phases.toText("  ");
    if (!times.isEmpty()) {
      sb.append("time per phase (this daemon)\n").append(times);
    }
    sb.append(String.format("stragglers hedged      %d (won %d)%n", hedged.get(), hedgesWon.get()));
    return sb.toString();
  }
}
