package dev.vxcc.scheduler;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which cluster nodes left since the last look, from polls of the member list (the cluster
 * manager's one node-listener slot is Vert.x's own). A node that joined, had a servant register and
 * left again between two polls was never in a member list we saw: the nodes servants named at the
 * previous poll are watched too, so their servants still go with the node rather than with their
 * leases. Named nodes are taken from the previous poll, not this one, so that a heartbeat that
 * outran the member list by a moment drops nobody.
 */
final class NodeWatch {
  private Set<String> members = Set.of();
  private Set<String> named = Set.of();

  /**
   * @param nowMembers the member list now
   * @param nowNamed the nodes registered servants name now
   * @return the nodes gone since the last poll
   */
  List<String> poll(Set<String> nowMembers, Set<String> nowNamed) {
    Set<String> watched = new HashSet<>(members);
    watched.addAll(named);
    List<String> gone = watched.stream().filter(n -> !nowMembers.contains(n)).sorted().toList();
    members = Set.copyOf(nowMembers);
    named = Set.copyOf(nowNamed);
    return gone;
  }

  /** Forgets everything (a scheduler that stands by). */
  void reset() {
    members = Set.of();
    named = Set.of();
  }
}
