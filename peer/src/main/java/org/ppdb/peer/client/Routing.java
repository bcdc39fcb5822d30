package org.ppdb.peer.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ppdb.peer.resp.TopologyEntry;
import org.ppdb.peer.ring.TokenRing;

/**
 * An immutable snapshot of where requests go, built from one {@code PPDB.TOPOLOGY} reply: the ring
 * of the members in state {@code normal}, their endpoints, and the order in which other members and
 * the seeds are tried.
 *
 * @param entries the topology as the server reported it
 * @param replicationFactor N
 * @param ring the ring of normal members, or {@code null} when none is known (then every request
 *     goes to {@link #all} and the seeds)
 * @param byId endpoint of each member that is not dead, by node id
 * @param suspect whether each member of {@code byId} is suspected by the failure detector
 * @param all every member that is not dead: alive normal ones first, in topology order
 * @param seeds the configured seeds
 */
record Routing(
    List<TopologyEntry> entries,
    int replicationFactor,
    TokenRing<String> ring,
    Map<String, Endpoint> byId,
    Map<String, Boolean> suspect,
    List<Endpoint> all,
    List<Endpoint> seeds) {

  static Routing seedsOnly(List<Endpoint> seeds) {
    return new Routing(List.of(), 0, null, Map.of(), Map.of(), List.of(), seeds);
  }

  /** The endpoints of the replicas of {@code key}: alive ones in ring order, then suspect ones. */
  List<Endpoint> replicas(byte[] key) {
    if (ring == null) {
      return List.of();
    }
    List<String> ids = ring.replicasForKey(key);
    List<Endpoint> result = new ArrayList<>(ids.size());
    for (String id : ids) {
      Endpoint e = byId.get(id);
      if (e != null && !Boolean.TRUE.equals(suspect.get(id))) {
        result.add(e);
      }
    }
    for (String id : ids) {
      Endpoint e = byId.get(id);
      if (e != null && Boolean.TRUE.equals(suspect.get(id))) {
        result.add(e);
      }
    }
    return result;
  }

  /** For requests without a key: every member (else every seed), starting at {@code counter}. */
  List<Endpoint> rotation(int counter) {
    List<Endpoint> base = all.isEmpty() ? seeds : all;
    int n = base.size();
    List<Endpoint> result = new ArrayList<>(n);
    int start = Math.floorMod(counter, n);
    for (int i = 0; i < n; i++) {
      result.add(base.get((start + i) % n));
    }
    return result;
  }
}
