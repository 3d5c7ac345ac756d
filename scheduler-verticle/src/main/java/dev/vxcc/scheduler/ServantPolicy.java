package dev.vxcc.scheduler;

import dev.vxcc.common.bus.ServantHeartbeat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which servants may take a task, and which one should. Stateless: the rules live here, while
 * {@link ServantIndex} only keeps servants sorted by them so that a choice costs no scan of the cluster.
 *
 * <p>A servant is eligible for a task when it accepts tasks at all ({@link #accepting}), runs at least the
 * requested daemon version and has the requested compiler digest, and, for a source-tree task, advertises
 * {@link ServantHeartbeat#SOURCE_TREE}; the index files each servant under every ({@link #poolKey pool
 * key}, version) it offers. Among the eligible ones that are {@link #free}, the choice is:
 * <ol>
 *   <li>a dedicated box below half its CPUs ({@link #preferred}), not on the requester's machine;
 *   <li>else any servant not on the requester's machine;
 *   <li>else one on the requester's machine;
 * </ol>
 * each time the one of lowest {@link Rank}.
 */
final class ServantPolicy {
  private ServantPolicy() {}

  /**
   * A servant's place in the queue for one more task: lowest running/capacity first, compared by
   * cross-multiplication to keep exact ties exact; equal utilisation goes to the servant registered first
   * so that choices are reproducible. A snapshot, so that an ordered index can hold it while the servant
   * changes; capacity is positive for every free servant, which makes this a total order.
   */
  record Rank(long running, long capacity, long registrationOrder) implements Comparable<Rank> {
    @Override
    public int compareTo(Rank o) {
      int c = Long.compare(running * o.capacity, o.running * capacity);
      return c != 0 ? c : Long.compare(registrationOrder, o.registrationOrder);
    }
  }

  /**
   * What a task asks for, as one string: the compiler digest, prefixed for a source-tree task, so that the
   * index serves the capability with the same sorted pools and walks as the compiler.
   */
  static String poolKey(String compilerDigest, boolean sourceTree) {
    return sourceTree ? ServantHeartbeat.SOURCE_TREE + "/" + compilerDigest : compilerDigest;
  }

  /** Every pool key the servant could serve, each once. */
  static List<String> poolKeys(ServantHeartbeat h) {
    boolean tree = h.capabilities().contains(ServantHeartbeat.SOURCE_TREE);
    List<String> out = new ArrayList<>();
    for (String d : h.compilerDigests()) {
      if (!out.contains(d)) {
        out.add(d);
        if (tree) {
          out.add(poolKey(d, true));
        }
      }
    }
    return out;
  }

  static Rank rank(Servant s, long minMemoryBytes) {
    return new Rank(s.running(), s.capacity(minMemoryBytes), s.registrationOrder());
  }

  /**
   * Whether the servant takes tasks at all; one that does not is not eligible, as opposed to busy. A
   * suspect one (reported unreachable, no heartbeat since) is not: waiting for it would mostly wait for a
   * dead servant's lease.
   */
  static boolean accepting(Servant s) {
    return s.maxTasks() > 0 && !s.isSuspect();
  }

  static boolean free(Servant s, long minMemoryBytes) {
    return s.isFree(minMemoryBytes);
  }

  /**
   * Past half their CPUs, SMT siblings slow each other down, so a dedicated box is only preferred while
   * it is below that mark.
   */
  static boolean preferred(Servant s) {
    return s.heartbeat().dedicated() && s.running() * 2 < s.processors();
  }

  /** Picks the servant for one more task, or empty if every eligible one is full. */
  static Optional<Servant> choose(ServantIndex index, String poolKey, int minVersion, String requestorHost) {
    return choose(index, poolKey, minVersion, requestorHost, Set.of());
  }

  /**
   * As above, never picking a servant at one of the {@code excluded} locations (the requester saw them
   * fail), unless every eligible servant is excluded: then the requester's own penalty logic decides.
   */
  static Optional<Servant> choose(ServantIndex index, String poolKey, int minVersion, String requestorHost,
      Set<String> excluded) {
    if (!excluded.isEmpty() && !index.anyEligibleBeyond(poolKey, minVersion, excluded)) {
      excluded = Set.of();
    }
    Optional<Servant> dedicated = index.bestAwayFrom(poolKey, minVersion, requestorHost, true, excluded);
    if (dedicated.isPresent()) {
      return dedicated;
    }
    Optional<Servant> any = index.bestAwayFrom(poolKey, minVersion, requestorHost, false, excluded);
    // The requester's own machine still has to preprocess the sources; spare its CPUs if we can.
    return any.isPresent() ? any : index.bestOn(poolKey, minVersion, requestorHost, excluded);
  }
}
