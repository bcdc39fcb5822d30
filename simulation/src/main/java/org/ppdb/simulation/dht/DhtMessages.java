package org.ppdb.simulation.dht;

import java.util.List;
import org.ppdb.dht.Address;
import org.ppdb.dht.Contact;
import org.ppdb.dht.DhtMessage;
import org.ppdb.dht.DhtRecord;
import org.ppdb.dht.NodeId;
import org.ppdb.simulation.SimNode;
import org.ppdb.simulation.TraceHash;

/**
 * Sizes and digests of {@link DhtMessage}s for the simulator.
 *
 * <p>Size: the dht module defines no wire encoding yet (the peer's Kryo codec will carry the
 * records), so the simulator counts bytes by a compact layout a codec could match: a 1-byte tag,
 * the 8-byte rpc id, 20-byte ids, a contact as its 20-byte id plus the IP (4 bytes for IPv4, 16 for
 * IPv6) and a 2-byte port, lists and byte arrays with a 2-byte length, a kind or boolean as one
 * byte. Figures in bytes are therefore "bytes of this layout", stated as such in reports.
 *
 * <p>Digest: from the fields, never from {@code hashCode()} (enums and arrays hash by identity).
 */
public final class DhtMessages implements SimNode.MessageTraits<DhtMessage> {

  public static final DhtMessages INSTANCE = new DhtMessages();

  private static final int HEADER_BYTES = 1 + 8 + NodeId.BYTES;

  private DhtMessages() {}

  @Override
  public int sizeBytes(DhtMessage message) {
    if (message instanceof DhtMessage.Ping || message instanceof DhtMessage.Pong) {
      return HEADER_BYTES;
    }
    if (message instanceof DhtMessage.FindNode || message instanceof DhtMessage.FindValue) {
      return HEADER_BYTES + NodeId.BYTES;
    }
    if (message instanceof DhtMessage.Nodes m) {
      return HEADER_BYTES + contactsSize(m.contacts());
    }
    if (message instanceof DhtMessage.Values m) {
      int size = HEADER_BYTES + contactsSize(m.contacts()) + 2;
      for (DhtRecord r : m.records()) {
        size += NodeId.BYTES + 1 + contactSize(r.publisher()) + 2 + r.value().length;
      }
      return size;
    }
    if (message instanceof DhtMessage.Store m) {
      return HEADER_BYTES + NodeId.BYTES + 1 + 2 + m.value().length;
    }
    if (message instanceof DhtMessage.StoreAck) {
      return HEADER_BYTES + 1;
    }
    throw new IllegalArgumentException("unknown message: " + message.getClass().getName());
  }

  @Override
  public long digest(DhtMessage message) {
    long h = TraceHash.mix(message.rpcId()) ^ id(message.sender());
    if (message instanceof DhtMessage.Ping) {
      return TraceHash.mix(h ^ 1);
    }
    if (message instanceof DhtMessage.Pong) {
      return TraceHash.mix(h ^ 2);
    }
    if (message instanceof DhtMessage.FindNode m) {
      return TraceHash.mix(h ^ 3) ^ id(m.target());
    }
    if (message instanceof DhtMessage.FindValue m) {
      return TraceHash.mix(h ^ 4) ^ id(m.key());
    }
    if (message instanceof DhtMessage.Nodes m) {
      return TraceHash.mix(h ^ 5) ^ contacts(m.contacts());
    }
    if (message instanceof DhtMessage.Values m) {
      long r = TraceHash.mix(h ^ 6) ^ contacts(m.contacts());
      for (DhtRecord record : m.records()) {
        r = TraceHash.mix(r ^ id(record.key()) ^ record.kind().ordinal());
        r = TraceHash.mix(r ^ contact(record.publisher()));
        r ^= TraceHash.digest(record.value(), 0, record.value().length);
      }
      return r;
    }
    if (message instanceof DhtMessage.Store m) {
      return TraceHash.mix(h ^ 7 ^ m.kind().ordinal())
          ^ id(m.key())
          ^ TraceHash.digest(m.value(), 0, m.value().length);
    }
    if (message instanceof DhtMessage.StoreAck m) {
      return TraceHash.mix(h ^ (m.stored() ? 8 : 9));
    }
    throw new IllegalArgumentException("unknown message: " + message.getClass().getName());
  }

  private static int contactsSize(List<Contact> contacts) {
    int size = 2;
    for (int i = 0; i < contacts.size(); i++) {
      size += contactSize(contacts.get(i));
    }
    return size;
  }

  private static int contactSize(Contact c) {
    return NodeId.BYTES + (c.address().isIpv4() ? 4 : 16) + 2;
  }

  private static long id(NodeId id) {
    return TraceHash.mix(id.high() ^ TraceHash.mix(id.middle() ^ id.low()));
  }

  private static long contact(Contact c) {
    Address a = c.address();
    return id(c.id()) ^ TraceHash.mix(a.low() ^ a.high() * 31 ^ a.port());
  }

  private static long contacts(List<Contact> contacts) {
    long h = contacts.size();
    for (int i = 0; i < contacts.size(); i++) {
      h = TraceHash.mix(h ^ contact(contacts.get(i)));
    }
    return h;
  }
}
