package org.ppdb.peer.replication;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.ring.TokenRing;

/**
 * Which requests this peer can answer from its own store alone, as the node's thread last published
 * it ({@link ReplicationCore#localPlacement()}): the basis of {@link LocalPath}, which serves such
 * requests on the client's thread without a hand-off to the node's.
 *
 * <p>A write is local when this peer is the key's only replica and no other member must receive it:
 * the peer serves, nothing joins (no pending replica) and no range moved within the grace period of
 * a completed join (no previous owner). That is every key of a one-peer ring, and of N = 1 every
 * key the peer owns. A read is local when this peer serves, is one of the key's natural replicas
 * and the level needs one answer (ONE, or any level when the key has a single replica): the
 * coordinator asks its own replica first in that case anyway.
 *
 * <p>Immutable; a new placement is published whenever any input changes, so a caller that sees the
 * same instance before and after its work knows that nothing moved meanwhile (see {@link
 * LocalPath}).
 */
public final class LocalPlacement {
  private final NodeId self;
  private final TokenRing<NodeId> readRing;
  private final boolean serving;
  private final boolean noPendingReplicas;
  private final boolean soleMember;
  private final Set<NodeId> unreachable;

  LocalPlacement(
      NodeId self, TokenRing<NodeId> readRing, boolean serving, boolean noPendingReplicas) {
    this(self, readRing, serving, noPendingReplicas, Set.of());
  }

  /**
   * @param unreachable the members with a ring place (serving or joining) that gossip holds
   *     unreachable (dead, or no longer reported)
   */
  LocalPlacement(
      NodeId self,
      TokenRing<NodeId> readRing,
      boolean serving,
      boolean noPendingReplicas,
      Set<NodeId> unreachable) {
    this.unreachable = Set.copyOf(unreachable);
    this.self = Objects.requireNonNull(self, "self");
    this.readRing = Objects.requireNonNull(readRing, "readRing");
    this.serving = serving;
    this.noPendingReplicas = noPendingReplicas;
    List<NodeId> members = readRing.members();
    this.soleMember = members.size() == 1 && members.get(0).equals(self);
  }

  /** Whether a write of {@code key} needs no replica but this peer's. */
  public boolean writesLocally(byte[] key) {
    if (!serving || !noPendingReplicas) {
      return false;
    }
    if (soleMember) {
      return true;
    }
    List<NodeId> replicas = readRing.replicasForKey(key);
    return replicas.size() == 1 && replicas.get(0).equals(self);
  }

  /** Whether a read of {@code key} at {@code consistency} is answered by this peer's replica. */
  public boolean readsLocally(byte[] key, Consistency consistency) {
    if (!serving) {
      return false;
    }
    if (soleMember) {
      return true;
    }
    List<NodeId> replicas = readRing.replicasForKey(key);
    return !replicas.isEmpty()
        && consistency.required(replicas.size()) == 1
        && replicas.contains(self);
  }

  /**
   * Whether a write of {@code key} may be applied to this peer's replica before the coordinator
   * sees it ({@link LocalPath#writeAhead}): this peer serves and is one of the key's replicas,
   * gossip holds every replica of the key reachable, and while the ring changes (a member joining,
   * or the grace period of a completed join, when the coordinator also writes to pending and
   * previous replicas this placement does not name) every member is reachable. That keeps the
   * coordinator from refusing such a write for want of replicas after this peer applied it: the
   * write would then be indeterminate and present on this replica alone, and under clock skew its
   * version could beat a later acknowledged write that reached a quorum without this replica.
   */
  public boolean writesAhead(byte[] key) {
    if (!serving || (!noPendingReplicas && !unreachable.isEmpty())) {
      return false;
    }
    List<NodeId> replicas = soleMember ? List.of(self) : readRing.replicasForKey(key);
    if (!replicas.contains(self)) {
      return false;
    }
    for (NodeId replica : replicas) {
      if (unreachable.contains(replica)) {
        return false;
      }
    }
    return true;
  }

  /** Whether this peer serves and is one of {@code key}'s natural replicas (the ones reads ask). */
  public boolean isReplica(byte[] key) {
    if (!serving) {
      return false;
    }
    return soleMember || readRing.replicasForKey(key).contains(self);
  }

  @Override
  public String toString() {
    return "LocalPlacement{serving="
        + serving
        + ", noPendingReplicas="
        + noPendingReplicas
        + ", soleMember="
        + soleMember
        + ", members="
        + readRing.members().size()
        + '}';
  }
}
