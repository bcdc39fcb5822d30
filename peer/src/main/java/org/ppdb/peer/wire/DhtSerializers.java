package org.ppdb.peer.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.List;
import org.ppdb.dht.Address;
import org.ppdb.dht.Contact;
import org.ppdb.dht.DhtMessage;
import org.ppdb.dht.DhtRecord;
import org.ppdb.dht.NodeId;
import org.ppdb.dht.RecordKind;

/**
 * Serializers of the Kademlia messages (docs/wire-protocol.md, "DHT messages"). Every message
 * starts with its rpc id as 8 bytes big-endian (random, so a varint would not be shorter) and the
 * sender's 20-byte node id. An address is one byte 4 or 6, the 4 or 16 address bytes, and a 2-byte
 * big-endian port; a contact is a node id and an address; a record is key, kind (one byte: 0 value,
 * 1 provider), publisher contact, value (varint length and bytes). Lists are a varint count and
 * their elements. Counts and lengths are checked against the bytes left before allocation.
 */
final class DhtSerializers {
  private DhtSerializers() {}

  static final int CONTACT_BYTES_MIN = NodeId.BYTES + 1 + 4 + 2;
  static final int RECORD_BYTES_MIN = NodeId.BYTES + 1 + CONTACT_BYTES_MIN + 1;

  static void writeNodeId(Output output, NodeId id) {
    output.writeBytes(id.toBytes());
  }

  static NodeId readNodeId(Input input) {
    return NodeId.fromBytes(input.readBytes(NodeId.BYTES));
  }

  static void writeAddress(Output output, Address address) {
    byte[] ip = address.ipBytes();
    output.writeByte(ip.length == 4 ? 4 : 6);
    output.writeBytes(ip);
    output.writeByte(address.port() >>> 8);
    output.writeByte(address.port());
  }

  static Address readAddress(Input input) {
    int family = input.readByte();
    if (family != 4 && family != 6) {
      throw new KryoException("address family: " + family + " (expected: 4 or 6)");
    }
    byte[] ip = input.readBytes(family == 4 ? 4 : 16);
    int port = ((input.readByte() & 0xff) << 8) | (input.readByte() & 0xff);
    return Address.of(ip, port);
  }

  static void writeContact(Output output, Contact contact) {
    writeNodeId(output, contact.id());
    writeAddress(output, contact.address());
  }

  static Contact readContact(Input input) {
    return new Contact(readNodeId(input), readAddress(input));
  }

  static void writeContacts(Output output, List<Contact> contacts) {
    output.writeVarInt(contacts.size(), true);
    for (Contact contact : contacts) {
      writeContact(output, contact);
    }
  }

  static List<Contact> readContacts(Input input) {
    int count = BoundedSerializers.readLength(input, CONTACT_BYTES_MIN, "contact list");
    List<Contact> contacts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      contacts.add(readContact(input));
    }
    return contacts;
  }

  static void writeKind(Output output, RecordKind kind) {
    output.writeByte(kind.ordinal());
  }

  static RecordKind readKind(Input input) {
    int code = input.readByte();
    RecordKind[] kinds = RecordKind.values();
    if (code < 0 || code >= kinds.length) {
      throw new KryoException(
          "record kind: " + code + " (expected: 0.." + (kinds.length - 1) + ")");
    }
    return kinds[code];
  }

  static void writeValue(Output output, byte[] value) {
    output.writeVarInt(value.length, true);
    output.writeBytes(value);
  }

  static byte[] readValue(Input input) {
    return input.readBytes(BoundedSerializers.readLength(input, 1, "value"));
  }

  static void writeRecords(Output output, List<DhtRecord> records) {
    output.writeVarInt(records.size(), true);
    for (DhtRecord record : records) {
      writeNodeId(output, record.key());
      writeKind(output, record.kind());
      writeContact(output, record.publisher());
      writeValue(output, record.value());
    }
  }

  static List<DhtRecord> readRecords(Input input) {
    int count = BoundedSerializers.readLength(input, RECORD_BYTES_MIN, "record list");
    List<DhtRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      NodeId key = readNodeId(input);
      RecordKind kind = readKind(input);
      Contact publisher = readContact(input);
      records.add(new DhtRecord(key, kind, publisher, readValue(input)));
    }
    return records;
  }

  /** The common prefix and the per-type fields of one message type. */
  abstract static class MessageSerializer<T extends DhtMessage> extends Serializer<T> {
    MessageSerializer() {
      setImmutable(true);
    }

    @Override
    public final void write(Kryo kryo, Output output, T message) {
      output.writeLong(Long.reverseBytes(message.rpcId())); // Kryo 5 writes little-endian
      writeNodeId(output, message.sender());
      writeFields(output, message);
    }

    @Override
    public final T read(Kryo kryo, Input input, Class<? extends T> type) {
      long rpcId = Long.reverseBytes(input.readLong());
      return readFields(input, rpcId, readNodeId(input));
    }

    abstract void writeFields(Output output, T message);

    abstract T readFields(Input input, long rpcId, NodeId sender);
  }

  static final class PingSerializer extends MessageSerializer<DhtMessage.Ping> {
    @Override
    void writeFields(Output output, DhtMessage.Ping m) {}

    @Override
    DhtMessage.Ping readFields(Input input, long rpcId, NodeId sender) {
      return new DhtMessage.Ping(rpcId, sender);
    }
  }

  static final class PongSerializer extends MessageSerializer<DhtMessage.Pong> {
    @Override
    void writeFields(Output output, DhtMessage.Pong m) {}

    @Override
    DhtMessage.Pong readFields(Input input, long rpcId, NodeId sender) {
      return new DhtMessage.Pong(rpcId, sender);
    }
  }

  static final class FindNodeSerializer extends MessageSerializer<DhtMessage.FindNode> {
    @Override
    void writeFields(Output output, DhtMessage.FindNode m) {
      writeNodeId(output, m.target());
    }

    @Override
    DhtMessage.FindNode readFields(Input input, long rpcId, NodeId sender) {
      return new DhtMessage.FindNode(rpcId, sender, readNodeId(input));
    }
  }

  static final class NodesSerializer extends MessageSerializer<DhtMessage.Nodes> {
    @Override
    void writeFields(Output output, DhtMessage.Nodes m) {
      writeContacts(output, m.contacts());
    }

    @Override
    DhtMessage.Nodes readFields(Input input, long rpcId, NodeId sender) {
      return new DhtMessage.Nodes(rpcId, sender, readContacts(input));
    }
  }

  static final class FindValueSerializer extends MessageSerializer<DhtMessage.FindValue> {
    @Override
    void writeFields(Output output, DhtMessage.FindValue m) {
      writeNodeId(output, m.key());
    }

    @Override
    DhtMessage.FindValue readFields(Input input, long rpcId, NodeId sender) {
      return new DhtMessage.FindValue(rpcId, sender, readNodeId(input));
    }
  }

  static final class ValuesSerializer extends MessageSerializer<DhtMessage.Values> {
    @Override
    void writeFields(Output output, DhtMessage.Values m) {
      writeRecords(output, m.records());
      writeContacts(output, m.contacts());
    }

    @Override
    DhtMessage.Values readFields(Input input, long rpcId, NodeId sender) {
      List<DhtRecord> records = readRecords(input);
      return new DhtMessage.Values(rpcId, sender, records, readContacts(input));
    }
  }

  static final class StoreSerializer extends MessageSerializer<DhtMessage.Store> {
    @Override
    void writeFields(Output output, DhtMessage.Store m) {
      writeNodeId(output, m.key());
      writeKind(output, m.kind());
      writeValue(output, m.value());
    }

    @Override
    DhtMessage.Store readFields(Input input, long rpcId, NodeId sender) {
      NodeId key = readNodeId(input);
      RecordKind kind = readKind(input);
      return new DhtMessage.Store(rpcId, sender, key, kind, readValue(input));
    }
  }

  static final class StoreAckSerializer extends MessageSerializer<DhtMessage.StoreAck> {
    @Override
    void writeFields(Output output, DhtMessage.StoreAck m) {
      output.writeBoolean(m.stored());
    }

    @Override
    DhtMessage.StoreAck readFields(Input input, long rpcId, NodeId sender) {
      return new DhtMessage.StoreAck(rpcId, sender, GossipSerializers.readBoolean(input));
    }
  }
}
