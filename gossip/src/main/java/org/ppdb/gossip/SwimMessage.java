package org.ppdb.gossip;

import java.util.List;
import java.util.Objects;

/**
 * A message between SWIM cores. Plain records of primitives, ids, addresses and lists, so that the
 * peer's codec (Kryo, with registration required) can carry them without custom code; the simulator
 * passes them as objects. The sender's address is not inside the message: the host passes it to
 * {@link Swim#onMessage} as {@code from} (the peer's frame envelope carries it) and replies go
 * there.
 *
 * <p><b>Compact encoding and {@link #encodedSizeBytes()}.</b> Cores fill packets up to {@link
 * SwimConfig#packetBytesMax()} using sizes of this reference layout, which any codec used on a
 * datagram transport must not exceed: one tag byte; then the fields in declaration order, where
 * {@code long} and {@code int} are unsigned LEB128 varints, a {@code boolean} is one byte, a {@link
 * MemberId} is a varint length and its bytes, an {@link Address} is a varint length, the host's
 * UTF-8 bytes and a 2-byte port, a list is a varint count and its elements, and a {@link Member} is
 * id, address list, incarnation, one status byte, metadata version, metadata (varint length and
 * bytes) and reporter (one zero byte when absent, else the id). {@link PushPull} is a stream
 * message (the whole view) and is exempt from the packet budget; it is bounded by {@link
 * SwimConfig#membersMax()}.
 */
public sealed interface SwimMessage {

  /** Upper bound of this message's size in the compact encoding described above. */
  int encodedSizeBytes();

  /**
   * A direct probe. The receiver answers with an {@link Ack} of the same {@code seq} unless {@code
   * target} is not itself (a probe meant for an earlier holder of the address).
   *
   * @param seq the prober's sequence number, echoed by the ack
   * @param target the member the prober means to reach
   * @param updates piggybacked membership updates; when the target is suspect, the first is the
   *     suspicion itself (Lifeguard's buddy system), so it can refute at once
   */
  record Ping(long seq, MemberId target, List<Member> updates) implements SwimMessage {
    public Ping {
      Objects.requireNonNull(target, "target");
      updates = List.copyOf(updates);
    }

    @Override
    public int encodedSizeBytes() {
      return 1 + Encoding.varLongSize(seq) + target.encodedSizeBytes() + updatesSize(updates);
    }
  }

  /**
   * An indirect probe: asks the receiver to ping {@code target} and to relay its ack to the sender
   * under {@code seq}, or a {@link Nack} if the target does not answer in time (Lifeguard).
   */
  record PingReq(long seq, MemberId target, Address targetAddress, List<Member> updates)
      implements SwimMessage {
    public PingReq {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(targetAddress, "targetAddress");
      updates = List.copyOf(updates);
    }

    @Override
    public int encodedSizeBytes() {
      return 1
          + Encoding.varLongSize(seq)
          + target.encodedSizeBytes()
          + targetAddress.encodedSizeBytes()
          + updatesSize(updates);
    }
  }

  /** The answer to a {@link Ping}, or a relayed answer to a {@link PingReq}. */
  record Ack(long seq, List<Member> updates) implements SwimMessage {
    public Ack {
      updates = List.copyOf(updates);
    }

    @Override
    public int encodedSizeBytes() {
      return 1 + Encoding.varLongSize(seq) + updatesSize(updates);
    }
  }

  /**
   * Sent by the intermediary of a {@link PingReq} whose target did not answer in time: it tells the
   * requester that the intermediary itself is reachable, so a missing nack is evidence against the
   * requester's own health (Lifeguard, local health awareness).
   */
  record Nack(long seq) implements SwimMessage {
    @Override
    public int encodedSizeBytes() {
      return 1 + Encoding.varLongSize(seq);
    }
  }

  /** A gossip round's message: membership updates only. */
  record Gossip(List<Member> updates) implements SwimMessage {
    public Gossip {
      updates = List.copyOf(updates);
    }

    @Override
    public int encodedSizeBytes() {
      return 1 + updatesSize(updates);
    }
  }

  /**
   * A full state exchange. A request ({@code reply == false}) is answered with the receiver's whole
   * view; {@code join} marks the exchange a joining member starts with its seeds.
   *
   * @param members every member the sender knows, tombstones included, itself included
   */
  record PushPull(boolean reply, boolean join, List<Member> members) implements SwimMessage {
    public PushPull {
      members = List.copyOf(members);
    }

    @Override
    public int encodedSizeBytes() {
      return 3 + updatesSize(members);
    }
  }

  private static int updatesSize(List<Member> updates) {
    int size = Encoding.varIntSize(updates.size());
    for (int i = 0; i < updates.size(); i++) {
      size += updates.get(i).encodedSizeBytes();
    }
    return size;
  }
}
