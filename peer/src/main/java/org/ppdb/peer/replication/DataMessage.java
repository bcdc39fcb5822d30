package org.ppdb.peer.replication;

import java.util.List;
import java.util.Objects;

/**
 * The internode messages of the data path: a coordinator asks replicas to write, read and scan, and
 * a joining peer asks current replicas to stream its ranges. They travel as frames on the TCP
 * transport (mutual TLS under a cluster secret), registered in {@link
 * org.ppdb.peer.wire.WireRegistry} at ids 192 and up, and are documented in docs/wire-protocol.md.
 *
 * <p>Every request carries a {@code requestId} chosen by the asking peer, unique among its requests
 * in flight; the reply echoes it. A reply with a non-null {@code error} means the replica refused
 * or failed (overloaded, storage error); the asker treats it like a missing reply, except that it
 * stops waiting.
 */
public sealed interface DataMessage {

  /** The id of the request this message is or answers. */
  long requestId();

  /** Most keys of one {@link Scan} page. */
  int SCAN_LIMIT_MAX = 10_000;

  /** Most token ranges of one {@link StreamRequest}. */
  int STREAM_RANGES_MAX = 4_096;

  /** Write {@code record} if it is newer than what the replica has; answered by {@link Ack}. */
  record Mutate(long requestId, ReplicaRecord record) implements DataMessage {
    public Mutate {
      Objects.requireNonNull(record, "record");
    }
  }

  /**
   * The outcome of a {@link Mutate}: durable under the replica's sync policy, or an error. {@code
   * supersededBy} is 0 when the replica applied the record, or the higher version it holds for the
   * key instead (the write lost to a newer one: the coordinator stamps it anew above that version,
   * so a later write is never shadowed by an earlier one from a peer whose clock runs ahead).
   */
  record Ack(long requestId, long supersededBy, String error) implements DataMessage {
    /** A plain acknowledgement or error, superseded by nothing. */
    public Ack(long requestId, String error) {
      this(requestId, 0, error);
    }
  }

  /** Read the replica's record of {@code key}; answered by {@link ReadReply}. */
  record Read(long requestId, byte[] key) implements DataMessage {
    public Read {
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * The replica's record of the key (a value or tombstone), {@code null} if it has none, or an
   * error.
   */
  record ReadReply(long requestId, ReplicaRecord record, String error) implements DataMessage {}

  /**
   * Up to {@code limit} live keys greater than {@code afterKey} (null: from the start) in the
   * replica's local store; answered by {@link ScanReply}.
   */
  record Scan(long requestId, byte[] afterKey, int limit) implements DataMessage {
    public Scan {
      if (limit < 1 || limit > SCAN_LIMIT_MAX) {
        throw new IllegalArgumentException(
            "limit: " + limit + " (expected: 1.." + SCAN_LIMIT_MAX + ")");
      }
    }
  }

  /** A page of a {@link Scan}: keys ascending; {@code more} if the store has keys after them. */
  record ScanReply(long requestId, List<byte[]> keys, boolean more, String error)
      implements DataMessage {
    public ScanReply {
      keys = List.copyOf(keys);
    }
  }

  /**
   * Send the records (values and tombstones) whose keys hash into any of the ranges {@code
   * (starts[i], ends[i]]}, in key order after {@code afterKey} (null: from the start), at most
   * {@code bytesMax} bytes per reply; answered by {@link StreamBatch}.
   */
  record StreamRequest(long requestId, long[] starts, long[] ends, byte[] afterKey, int bytesMax)
      implements DataMessage {
    public StreamRequest {
      if (starts.length != ends.length || starts.length == 0) {
        throw new IllegalArgumentException(
            "ranges: "
                + starts.length
                + " starts, "
                + ends.length
                + " ends (expected: equal, > 0)");
      }
      if (starts.length > STREAM_RANGES_MAX) {
        throw new IllegalArgumentException(
            "ranges: " + starts.length + " (expected: <= " + STREAM_RANGES_MAX + ")");
      }
      if (bytesMax < 1) {
        throw new IllegalArgumentException("bytesMax: " + bytesMax + " (expected: > 0)");
      }
    }
  }

  /** Most members in one {@link RingReply}. */
  int RING_MEMBERS_MAX = 10_000;

  /**
   * Send every member with a ring place you know; answered by {@link RingReply}. A joining peer
   * asks before it computes its ranges, so that it never works from a partial view (gossip may not
   * have told it of every member yet, of dead ones in particular).
   */
  record RingRequest(long requestId) implements DataMessage {}

  /** The members with a ring place the replica knows (addresses may be null: not dialable). */
  record RingReply(long requestId, List<RingMember> members) implements DataMessage {
    public RingReply {
      members = List.copyOf(members);
      if (members.size() > RING_MEMBERS_MAX) {
        throw new IllegalArgumentException(
            "members: " + members.size() + " (expected: <= " + RING_MEMBERS_MAX + ")");
      }
    }
  }

  /**
   * One batch of a stream: records in key order, and the key to resume after ({@code null}: the
   * stream is complete).
   */
  record StreamBatch(long requestId, List<ReplicaRecord> records, byte[] resumeAfter, String error)
      implements DataMessage {
    public StreamBatch {
      records = List.copyOf(records);
    }
  }
}
