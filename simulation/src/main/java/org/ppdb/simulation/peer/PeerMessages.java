package org.ppdb.simulation.peer;

import java.util.List;
import org.ppdb.dht.DhtMessage;
import org.ppdb.gossip.SwimMessage;
import org.ppdb.peer.replication.DataMessage;
import org.ppdb.peer.replication.ReplicaRecord;
import org.ppdb.simulation.SimNode;
import org.ppdb.simulation.TraceHash;
import org.ppdb.simulation.dht.DhtMessages;
import org.ppdb.simulation.gossip.GossipMessages;

/**
 * Sizes and digests of the messages a full peer sends: gossip and DHT messages, delegated to their
 * own traits, so a peer run is accounted and hashed exactly like the single-protocol runs; and the
 * data path's {@link DataMessage}s, sized as their frames' payloads (a 12-byte header, then keys,
 * values and 16 bytes of version and expiry per record) and digested from every field.
 */
final class PeerMessages implements SimNode.MessageTraits<Object> {

  static final PeerMessages INSTANCE = new PeerMessages();

  private PeerMessages() {}

  @Override
  public int sizeBytes(Object message) {
    if (message instanceof SwimMessage swim) {
      return GossipMessages.INSTANCE.sizeBytes(swim);
    }
    if (message instanceof DhtMessage dht) {
      return DhtMessages.INSTANCE.sizeBytes(dht);
    }
    if (message instanceof DataMessage data) {
      return dataSizeBytes(data);
    }
    throw new IllegalStateException("a peer sent a message of unknown type " + message.getClass());
  }

  @Override
  public long digest(Object message) {
    if (message instanceof SwimMessage swim) {
      return GossipMessages.INSTANCE.digest(swim);
    }
    if (message instanceof DhtMessage dht) {
      return ~DhtMessages.INSTANCE.digest(dht);
    }
    if (message instanceof DataMessage data) {
      return dataDigest(data);
    }
    throw new IllegalStateException("a peer sent a message of unknown type " + message.getClass());
  }

  private static final int HEADER_BYTES = 12;

  private static int dataSizeBytes(DataMessage message) {
    if (message instanceof DataMessage.Mutate m) {
      return HEADER_BYTES + recordBytes(m.record());
    } else if (message instanceof DataMessage.Ack m) {
      return HEADER_BYTES + 8 + text(m.error());
    } else if (message instanceof DataMessage.RingRequest) {
      return HEADER_BYTES;
    } else if (message instanceof DataMessage.RingReply m) {
      return HEADER_BYTES + 4 + 300 * m.members().size();
    } else if (message instanceof DataMessage.Read m) {
      return HEADER_BYTES + 4 + m.key().length;
    } else if (message instanceof DataMessage.ReadReply m) {
      return HEADER_BYTES + 1 + recordBytes(m.record()) + text(m.error());
    } else if (message instanceof DataMessage.Scan m) {
      return HEADER_BYTES + 8 + length(m.afterKey());
    } else if (message instanceof DataMessage.ScanReply m) {
      return HEADER_BYTES + 5 + keysBytes(m.keys()) + text(m.error());
    } else if (message instanceof DataMessage.StreamRequest m) {
      return HEADER_BYTES + 8 + 16 * m.starts().length + length(m.afterKey());
    } else if (message instanceof DataMessage.StreamBatch m) {
      return HEADER_BYTES
          + 4
          + recordsBytes(m.records())
          + length(m.resumeAfter())
          + text(m.error());
    }
    throw new IllegalStateException("a peer sent a data message of unknown type " + message);
  }

  private static int length(byte[] b) {
    return b == null ? 0 : b.length;
  }

  private static int recordBytes(ReplicaRecord r) {
    return r == null ? 0 : 8 + r.key().length + (r.value() == null ? 0 : r.value().length) + 16;
  }

  private static int recordsBytes(List<ReplicaRecord> records) {
    int bytes = 0;
    for (ReplicaRecord r : records) {
      bytes += recordBytes(r);
    }
    return bytes;
  }

  private static int keysBytes(List<byte[]> keys) {
    int bytes = 0;
    for (byte[] k : keys) {
      bytes += 4 + k.length;
    }
    return bytes;
  }

  private static int text(String s) {
    return s == null ? 0 : 2 + s.length();
  }

  private static long dataDigest(DataMessage message) {
    long d;
    if (message instanceof DataMessage.Mutate m) {
      d = TraceHash.mix(11) ^ record(m.record());
    } else if (message instanceof DataMessage.Ack m) {
      d = TraceHash.mix(12 ^ m.supersededBy()) ^ textDigest(m.error());
    } else if (message instanceof DataMessage.RingRequest) {
      d = TraceHash.mix(19);
    } else if (message instanceof DataMessage.RingReply m) {
      d = TraceHash.mix(20);
      for (org.ppdb.peer.replication.RingMember member : m.members()) {
        d = TraceHash.mix(d ^ bytes(member.id().toBytes()));
      }
    } else if (message instanceof DataMessage.Read m) {
      d = TraceHash.mix(13) ^ bytes(m.key());
    } else if (message instanceof DataMessage.ReadReply m) {
      d = TraceHash.mix(14) ^ record(m.record()) ^ textDigest(m.error());
    } else if (message instanceof DataMessage.Scan m) {
      d = TraceHash.mix(15 ^ m.limit()) ^ bytes(m.afterKey());
    } else if (message instanceof DataMessage.ScanReply m) {
      d = TraceHash.mix(16 ^ (m.more() ? 32 : 0)) ^ textDigest(m.error());
      for (byte[] key : m.keys()) {
        d = TraceHash.mix(d ^ bytes(key));
      }
    } else if (message instanceof DataMessage.StreamRequest m) {
      d = TraceHash.mix(17 ^ m.bytesMax()) ^ bytes(m.afterKey());
      for (int i = 0; i < m.starts().length; i++) {
        d = TraceHash.mix(d ^ m.starts()[i]) ^ m.ends()[i];
      }
    } else if (message instanceof DataMessage.StreamBatch m) {
      d = TraceHash.mix(18) ^ bytes(m.resumeAfter()) ^ textDigest(m.error());
      for (ReplicaRecord r : m.records()) {
        d = TraceHash.mix(d ^ record(r));
      }
    } else {
      throw new IllegalStateException("a peer sent a data message of unknown type " + message);
    }
    return TraceHash.mix(d ^ message.requestId());
  }

  private static long textDigest(String s) {
    return s == null ? 0 : TraceHash.mix(s.hashCode()); // String hashes its contents
  }

  private static long record(ReplicaRecord r) {
    if (r == null) {
      return 0;
    }
    return TraceHash.mix(bytes(r.key()) ^ TraceHash.mix(r.version()))
        ^ TraceHash.mix(bytes(r.value()) + r.expiresAtMillis());
  }

  private static long bytes(byte[] b) {
    return b == null ? 0x5eed : TraceHash.digest(b, 0, b.length);
  }
}
