package org.ppdb.peer.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.List;
import org.ppdb.gossip.Address;
import org.ppdb.gossip.Member;
import org.ppdb.gossip.MemberId;
import org.ppdb.gossip.MemberStatus;
import org.ppdb.gossip.SwimMessage;

/**
 * Serializers of the SWIM messages in exactly the compact layout the gossip core sizes its packets
 * with ({@link SwimMessage}'s class comment; docs/wire-protocol.md, "Gossip messages"), so a
 * message that the core fitted into {@code packetBytesMax} fits on the wire too. The "tag byte" of
 * that layout is the Kryo registration id (64..69, one varint byte).
 *
 * <p>Unsigned varints are Kryo's: 7 bits per byte, low group first, high bit set when more follow
 * (identical to LEB128 up to 2^56; a 9th byte of a long carries 8 bits). Every count and length is
 * checked against the bytes left before anything is allocated; every value is then checked by the
 * gossip records' own constructors, whose exceptions become decode errors.
 */
final class GossipSerializers {
  private GossipSerializers() {}

  /** Smallest encoded {@link Member}: id (2), address count (1), one address (4), 5 more bytes. */
  static final int MEMBER_BYTES_MIN = 12;

  static void writeMemberId(Output output, MemberId id) {
    byte[] bytes = id.toBytes();
    output.writeVarInt(bytes.length, true);
    output.writeBytes(bytes);
  }

  static MemberId readMemberId(Input input) {
    int length = BoundedSerializers.readLength(input, 1, "member id");
    if (length == 0 || length > MemberId.BYTES_MAX) {
      throw new KryoException(
          "member id length: " + length + " (expected: 1.." + MemberId.BYTES_MAX + ")");
    }
    return MemberId.of(input.readBytes(length));
  }

  static void writeAddress(Output output, Address address) {
    byte[] host = address.host().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    output.writeVarInt(host.length, true);
    output.writeBytes(host);
    output.writeByte(address.port() >>> 8);
    output.writeByte(address.port());
  }

  static Address readAddress(Input input) {
    int length = BoundedSerializers.readLength(input, 1, "host");
    byte[] host = input.readBytes(length);
    int port = ((input.readByte() & 0xff) << 8) | (input.readByte() & 0xff);
    return new Address(BoundedSerializers.utf8(host), port);
  }

  static void writeMember(Output output, Member member) {
    writeMemberId(output, member.id());
    output.writeVarInt(member.addresses().size(), true);
    for (Address address : member.addresses()) {
      writeAddress(output, address);
    }
    output.writeVarLong(member.incarnation(), true);
    output.writeByte(member.status().code());
    output.writeVarLong(member.metadataVersion(), true);
    output.writeVarInt(member.metadata().length, true);
    output.writeBytes(member.metadata());
    if (member.reporter() == null) {
      output.writeByte(0);
    } else {
      writeMemberId(output, member.reporter());
    }
  }

  static Member readMember(Input input) {
    MemberId id = readMemberId(input);
    int count = BoundedSerializers.readLength(input, 4, "address list");
    List<Address> addresses = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      addresses.add(readAddress(input));
    }
    long incarnation = input.readVarLong(true);
    MemberStatus status = MemberStatus.ofCode(input.readByte());
    long metadataVersion = input.readVarLong(true);
    byte[] metadata = input.readBytes(BoundedSerializers.readLength(input, 1, "metadata"));
    int reporterLength = BoundedSerializers.readLength(input, 1, "reporter");
    MemberId reporter = null;
    if (reporterLength > 0) {
      if (reporterLength > MemberId.BYTES_MAX) {
        throw new KryoException(
            "reporter length: " + reporterLength + " (expected: <= " + MemberId.BYTES_MAX + ")");
      }
      reporter = MemberId.of(input.readBytes(reporterLength));
    }
    return new Member(id, addresses, incarnation, status, metadataVersion, metadata, reporter);
  }

  static void writeMembers(Output output, List<Member> members) {
    output.writeVarInt(members.size(), true);
    for (Member member : members) {
      writeMember(output, member);
    }
  }

  static List<Member> readMembers(Input input) {
    int count = BoundedSerializers.readLength(input, MEMBER_BYTES_MIN, "member list");
    List<Member> members = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      members.add(readMember(input));
    }
    return members;
  }

  /** {@link SwimMessage.Ping}: seq, target, updates. */
  static final class PingSerializer extends Serializer<SwimMessage.Ping> {
    PingSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, SwimMessage.Ping m) {
      output.writeVarLong(m.seq(), true);
      writeMemberId(output, m.target());
      writeMembers(output, m.updates());
    }

    @Override
    public SwimMessage.Ping read(Kryo kryo, Input input, Class<? extends SwimMessage.Ping> type) {
      return new SwimMessage.Ping(input.readVarLong(true), readMemberId(input), readMembers(input));
    }
  }

  /** {@link SwimMessage.PingReq}: seq, target, target address, updates. */
  static final class PingReqSerializer extends Serializer<SwimMessage.PingReq> {
    PingReqSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, SwimMessage.PingReq m) {
      output.writeVarLong(m.seq(), true);
      writeMemberId(output, m.target());
      writeAddress(output, m.targetAddress());
      writeMembers(output, m.updates());
    }

    @Override
    public SwimMessage.PingReq read(
        Kryo kryo, Input input, Class<? extends SwimMessage.PingReq> type) {
      long seq = input.readVarLong(true);
      MemberId target = readMemberId(input);
      Address address = readAddress(input);
      return new SwimMessage.PingReq(seq, target, address, readMembers(input));
    }
  }

  /** {@link SwimMessage.Ack}: seq, updates. */
  static final class AckSerializer extends Serializer<SwimMessage.Ack> {
    AckSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, SwimMessage.Ack m) {
      output.writeVarLong(m.seq(), true);
      writeMembers(output, m.updates());
    }

    @Override
    public SwimMessage.Ack read(Kryo kryo, Input input, Class<? extends SwimMessage.Ack> type) {
      return new SwimMessage.Ack(input.readVarLong(true), readMembers(input));
    }
  }

  /** {@link SwimMessage.Nack}: seq. */
  static final class NackSerializer extends Serializer<SwimMessage.Nack> {
    NackSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, SwimMessage.Nack m) {
      output.writeVarLong(m.seq(), true);
    }

    @Override
    public SwimMessage.Nack read(Kryo kryo, Input input, Class<? extends SwimMessage.Nack> type) {
      return new SwimMessage.Nack(input.readVarLong(true));
    }
  }

  /** {@link SwimMessage.Gossip}: updates. */
  static final class GossipSerializer extends Serializer<SwimMessage.Gossip> {
    GossipSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, SwimMessage.Gossip m) {
      writeMembers(output, m.updates());
    }

    @Override
    public SwimMessage.Gossip read(
        Kryo kryo, Input input, Class<? extends SwimMessage.Gossip> type) {
      return new SwimMessage.Gossip(readMembers(input));
    }
  }

  /** {@link SwimMessage.PushPull}: reply (1 byte), join (1 byte), members. */
  static final class PushPullSerializer extends Serializer<SwimMessage.PushPull> {
    PushPullSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, SwimMessage.PushPull m) {
      output.writeBoolean(m.reply());
      output.writeBoolean(m.join());
      writeMembers(output, m.members());
    }

    @Override
    public SwimMessage.PushPull read(
        Kryo kryo, Input input, Class<? extends SwimMessage.PushPull> type) {
      boolean reply = readBoolean(input);
      boolean join = readBoolean(input);
      return new SwimMessage.PushPull(reply, join, readMembers(input));
    }
  }

  static boolean readBoolean(Input input) {
    int b = input.readByte();
    if (b != 0 && b != 1) {
      throw new KryoException("boolean: " + b + " (expected: 0 or 1)");
    }
    return b == 1;
  }
}
