package org.ppdb.peer.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.List;
import org.ppdb.peer.replication.DataMessage;
import org.ppdb.peer.replication.ReplicaRecord;

/**
 * Serializers of the data-path messages (docs/wire-protocol.md, "Data messages"). Every message
 * starts with its request id as a varint (ids count up from 1 per peer, so they are short). A
 * record is: key (varint length, bytes), flags (one byte: bit 0 = value present, bit 1 = expiry
 * present), value (varint length, bytes) if present, version (8 bytes), expiry (varint) if present.
 * An optional byte string or string is a flag byte (0 absent, 1 present) then the value. Counts and
 * lengths are checked against the bytes left before allocation.
 */
final class DataSerializers {
  private DataSerializers() {}

  /** Smallest encoded record: empty key (1), flags (1), version (8). */
  static final int RECORD_BYTES_MIN = 10;

  private static final int FLAG_VALUE = 1;
  private static final int FLAG_EXPIRES = 2;

  static void writeBytes(Output output, byte[] bytes) {
    output.writeVarInt(bytes.length, true);
    output.writeBytes(bytes);
  }

  static byte[] readBytes(Input input, String what) {
    return input.readBytes(BoundedSerializers.readLength(input, 1, what));
  }

  static void writeOptionalBytes(Output output, byte[] bytes) {
    output.writeBoolean(bytes != null);
    if (bytes != null) {
      writeBytes(output, bytes);
    }
  }

  static byte[] readOptionalBytes(Input input, String what) {
    return readPresence(input, what) ? readBytes(input, what) : null;
  }

  static void writeError(Output output, String error) {
    output.writeBoolean(error != null);
    if (error != null) {
      writeBytes(output, error.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  static String readError(Input input) {
    return readPresence(input, "error") ? BoundedSerializers.utf8(readBytes(input, "error")) : null;
  }

  private static boolean readPresence(Input input, String what) {
    int flag = input.readByte();
    if (flag != 0 && flag != 1) {
      throw new KryoException(what + " presence: " + flag + " (expected: 0 or 1)");
    }
    return flag == 1;
  }

  static long readRequestId(Input input) {
    long id = input.readVarLong(true);
    if (id < 0) {
      throw new KryoException("request id: " + id + " (expected: >= 0)");
    }
    return id;
  }

  static void writeRecord(Output output, ReplicaRecord record) {
    writeBytes(output, record.key());
    int flags =
        (record.value() != null ? FLAG_VALUE : 0)
            | (record.expiresAtMillis() != 0 ? FLAG_EXPIRES : 0);
    output.writeByte(flags);
    if (record.value() != null) {
      writeBytes(output, record.value());
    }
    output.writeLong(record.version());
    if (record.expiresAtMillis() != 0) {
      output.writeVarLong(record.expiresAtMillis(), true);
    }
  }

  static ReplicaRecord readRecord(Input input) {
    byte[] key = readBytes(input, "key");
    int flags = input.readByte();
    if ((flags & ~(FLAG_VALUE | FLAG_EXPIRES)) != 0) {
      throw new KryoException("record flags: " + flags + " (expected: bits 0 and 1 only)");
    }
    byte[] value = (flags & FLAG_VALUE) != 0 ? readBytes(input, "value") : null;
    long version = input.readLong();
    long expires = (flags & FLAG_EXPIRES) != 0 ? input.readVarLong(true) : 0;
    if (expires < 0 || (value == null && expires != 0)) {
      throw new KryoException("record expiry: " + expires + " (expected: >= 0, 0 for tombstones)");
    }
    return new ReplicaRecord(key, value, version, expires);
  }

  static void writeOptionalRecord(Output output, ReplicaRecord record) {
    output.writeBoolean(record != null);
    if (record != null) {
      writeRecord(output, record);
    }
  }

  static ReplicaRecord readOptionalRecord(Input input) {
    return readPresence(input, "record") ? readRecord(input) : null;
  }

  static final class MutateSerializer extends Serializer<DataMessage.Mutate> {
    MutateSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, DataMessage.Mutate m) {
      output.writeVarLong(m.requestId(), true);
      writeRecord(output, m.record());
    }

    @Override
    public DataMessage.Mutate read(
        Kryo kryo, Input input, Class<? extends DataMessage.Mutate> type) {
      return new DataMessage.Mutate(readRequestId(input), readRecord(input));
    }
  }

  static final class AckSerializer extends Serializer<DataMessage.Ack> {
    AckSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, DataMessage.Ack m) {
      output.writeVarLong(m.requestId(), true);
      output.writeLong(m.supersededBy());
      writeError(output, m.error());
    }

    @Override
    public DataMessage.Ack read(Kryo kryo, Input input, Class<? extends DataMessage.Ack> type) {
      long id = readRequestId(input);
      long supersededBy = input.readLong();
      return new DataMessage.Ack(id, supersededBy, readError(input));
    }
  }

  static final class ReadSerializer extends Serializer<DataMessage.Read> {
    ReadSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, DataMessage.Read m) {
      output.writeVarLong(m.requestId(), true);
      writeBytes(output, m.key());
    }

    @Override
    public DataMessage.Read read(Kryo kryo, Input input, Class<? extends DataMessage.Read> type) {
      return new DataMessage.Read(readRequestId(input), readBytes(input, "key"));
    }
  }

  static final class ReadReplySerializer extends Serializer<DataMessage.ReadReply> {
    ReadReplySerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, DataMessage.ReadReply m) {
      output.writeVarLong(m.requestId(), true);
      writeOptionalRecord(output, m.record());
      writeError(output, m.error());
    }

    @Override
    public DataMessage.ReadReply read(
        Kryo kryo, Input input, Class<? extends DataMessage.ReadReply> type) {
      return new DataMessage.ReadReply(
          readRequestId(input), readOptionalRecord(input), readError(input));
    }
  }

  static final class ScanSerializer extends Serializer<DataMessage.Scan> {
    ScanSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, DataMessage.Scan m) {
      output.writeVarLong(m.requestId(), true);
      writeOptionalBytes(output, m.afterKey());
      output.writeVarInt(m.limit(), true);
    }

    @Override
    public DataMessage.Scan read(Kryo kryo, Input input, Class<? extends DataMessage.Scan> type) {
      long id = readRequestId(input);
      byte[] after = readOptionalBytes(input, "afterKey");
      int limit = input.readVarInt(true);
      try {
        return new DataMessage.Scan(id, after, limit);
      } catch (IllegalArgumentException e) {
        throw new KryoException(e.getMessage());
      }
    }
  }

  static final class ScanReplySerializer extends Serializer<DataMessage.ScanReply> {
    ScanReplySerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, DataMessage.ScanReply m) {
      output.writeVarLong(m.requestId(), true);
      output.writeVarInt(m.keys().size(), true);
      for (byte[] key : m.keys()) {
        writeBytes(output, key);
      }
      output.writeBoolean(m.more());
      writeError(output, m.error());
    }

    @Override
    public DataMessage.ScanReply read(
        Kryo kryo, Input input, Class<? extends DataMessage.ScanReply> type) {
      long id = readRequestId(input);
      int count = BoundedSerializers.readLength(input, 1, "key list");
      List<byte[]> keys = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        keys.add(readBytes(input, "key"));
      }
      boolean more = input.readBoolean();
      return new DataMessage.ScanReply(id, keys, more, readError(input));
    }
  }

  static final class StreamRequestSerializer extends Serializer<DataMessage.StreamRequest> {
    StreamRequestSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, DataMessage.StreamRequest m) {
      output.writeVarLong(m.requestId(), true);
      output.writeVarInt(m.starts().length, true);
      for (int i = 0; i < m.starts().length; i++) {
        output.writeLong(m.starts()[i]);
        output.writeLong(m.ends()[i]);
      }
      writeOptionalBytes(output, m.afterKey());
      output.writeVarInt(m.bytesMax(), true);
    }

    @Override
    public DataMessage.StreamRequest read(
        Kryo kryo, Input input, Class<? extends DataMessage.StreamRequest> type) {
      long id = readRequestId(input);
      int count = BoundedSerializers.readLength(input, 16, "range list");
      long[] starts = new long[count];
      long[] ends = new long[count];
      for (int i = 0; i < count; i++) {
        starts[i] = input.readLong();
        ends[i] = input.readLong();
      }
      byte[] after = readOptionalBytes(input, "afterKey");
      int bytesMax = input.readVarInt(true);
      try {
        return new DataMessage.StreamRequest(id, starts, ends, after, bytesMax);
      } catch (IllegalArgumentException e) {
        throw new KryoException(e.getMessage());
      }
    }
  }

  static final class RingRequestSerializer extends Serializer<DataMessage.RingRequest> {
    RingRequestSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, DataMessage.RingRequest m) {
      output.writeVarLong(m.requestId(), true);
    }

    @Override
    public DataMessage.RingRequest read(
        Kryo kryo, Input input, Class<? extends DataMessage.RingRequest> type) {
      return new DataMessage.RingRequest(readRequestId(input));
    }
  }

  /** Smallest encoded ring member: id (20), no address (1), empty status (1), metadata (1). */
  static final int RING_MEMBER_BYTES_MIN = 23;

  static final class RingReplySerializer extends Serializer<DataMessage.RingReply> {
    RingReplySerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, DataMessage.RingReply m) {
      output.writeVarLong(m.requestId(), true);
      output.writeVarInt(m.members().size(), true);
      for (org.ppdb.peer.replication.RingMember member : m.members()) {
        output.writeBytes(member.id().toBytes());
        if (member.address() == null) {
          output.writeByte(0);
        } else {
          byte[] ip = member.address().getAddress().getAddress();
          output.writeByte(ip.length);
          output.writeBytes(ip);
          output.writeVarInt(member.address().getPort(), true);
        }
        writeBytes(output, member.status().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        writeBytes(output, member.ring() == null ? new byte[0] : member.ring().encode());
      }
    }

    @Override
    public DataMessage.RingReply read(
        Kryo kryo, Input input, Class<? extends DataMessage.RingReply> type) {
      long id = readRequestId(input);
      int count = BoundedSerializers.readLength(input, RING_MEMBER_BYTES_MIN, "ring member list");
      if (count > DataMessage.RING_MEMBERS_MAX) {
        throw new KryoException(
            "ring members: " + count + " (expected: <= " + DataMessage.RING_MEMBERS_MAX + ")");
      }
      List<org.ppdb.peer.replication.RingMember> members = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        org.ppdb.peer.identity.NodeId nodeId =
            org.ppdb.peer.identity.NodeId.of(
                input.readBytes(org.ppdb.peer.identity.NodeId.LENGTH_BYTES));
        int family = input.readByte();
        java.net.InetSocketAddress address = null;
        if (family == 4 || family == 16) {
          byte[] ip = input.readBytes(family);
          int port = input.readVarInt(true);
          if (port < 0 || port > 65_535) {
            throw new KryoException("port: " + port + " (expected: 0..65535)");
          }
          try {
            address = new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(ip), port);
          } catch (java.net.UnknownHostException e) {
            throw new KryoException("address: " + e.getMessage());
          }
        } else if (family != 0) {
          throw new KryoException("address length: " + family + " (expected: 0, 4 or 16)");
        }
        String status = BoundedSerializers.utf8(readBytes(input, "status"));
        byte[] metadata = readBytes(input, "ring metadata");
        try {
          members.add(
              new org.ppdb.peer.replication.RingMember(
                  nodeId, address, status, org.ppdb.peer.ring.RingMetadata.decode(metadata)));
        } catch (IllegalArgumentException e) {
          throw new KryoException(e.getMessage());
        }
      }
      return new DataMessage.RingReply(id, members);
    }
  }

  static final class StreamBatchSerializer extends Serializer<DataMessage.StreamBatch> {
    StreamBatchSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, DataMessage.StreamBatch m) {
      output.writeVarLong(m.requestId(), true);
      output.writeVarInt(m.records().size(), true);
      for (ReplicaRecord record : m.records()) {
        writeRecord(output, record);
      }
      writeOptionalBytes(output, m.resumeAfter());
      writeError(output, m.error());
    }

    @Override
    public DataMessage.StreamBatch read(
        Kryo kryo, Input input, Class<? extends DataMessage.StreamBatch> type) {
      long id = readRequestId(input);
      int count = BoundedSerializers.readLength(input, RECORD_BYTES_MIN, "record list");
      List<ReplicaRecord> records = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        records.add(readRecord(input));
      }
      byte[] resume = readOptionalBytes(input, "resumeAfter");
      return new DataMessage.StreamBatch(id, records, resume, readError(input));
    }
  }
}
