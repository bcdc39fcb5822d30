package org.ppdb.peer.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.ppdb.dht.DhtMessage;
import org.ppdb.gossip.SwimMessage;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.replication.DataMessage;

/**
 * The frozen table of every class that may cross the wire, with its Kryo registration id. This
 * table is the protocol: docs/wire-protocol.md lists the same rows, and {@code WireGoldenBytesTest}
 * pins the encoding of each.
 *
 * <p><b>Do not change.</b> Never renumber, reorder, reuse or remove an id; a type that is retired
 * keeps its id forever (mark it retired in the comment). New types take new ids from the range of
 * their owner:
 *
 * <pre>
 *     0 ..   9  Kryo's built-ins (int, String, float, boolean, byte, char, short, long, double),
 *               at the ids new Kryo() gives them; String (1) gets a bounded serializer
 *    10 ..  31  basic value types (byte[], lists, node ids)
 *    32 ..  63  transport: handshake and envelopes
 *    64 .. 127  gossip messages (org.ppdb.gossip.SwimMessage)
 *   128 .. 191  dht messages (org.ppdb.dht.DhtMessage)
 *   192 ..      peer data path (issue 8)
 * </pre>
 *
 * <p>Static; thread-safe. Each {@link #newKryo} call builds a new Kryo (about 50 µs); {@link
 * WireCodec} pools them.
 */
public final class WireRegistry {
  /** Version of the protocol as a whole, sent in {@link Hello}. Bump on incompatible change. */
  public static final int PROTOCOL_VERSION = 1;

  /** One row of the table. */
  public record Entry(int id, Class<?> type, Supplier<Serializer<?>> serializer) {}

  private static final List<Entry> ENTRIES;

  static {
    List<Entry> e = new ArrayList<>();
    // --- Kryo's built-ins: 0..9, in the order new Kryo() registers them -----------------------
    // Boxed values (Integer, Long, ...) use the registration of their primitive.
    e.add(new Entry(0, int.class, DefaultSerializers.IntSerializer::new));
    e.add(new Entry(1, String.class, BoundedSerializers.StringSerializer::new));
    e.add(new Entry(2, float.class, DefaultSerializers.FloatSerializer::new));
    e.add(new Entry(3, boolean.class, DefaultSerializers.BooleanSerializer::new));
    e.add(new Entry(4, byte.class, DefaultSerializers.ByteSerializer::new));
    e.add(new Entry(5, char.class, DefaultSerializers.CharSerializer::new));
    e.add(new Entry(6, short.class, DefaultSerializers.ShortSerializer::new));
    e.add(new Entry(7, long.class, DefaultSerializers.LongSerializer::new));
    e.add(new Entry(8, double.class, DefaultSerializers.DoubleSerializer::new));
    // --- basic value types: 10..31 ------------------------------------------------------------
    e.add(new Entry(10, byte[].class, BoundedSerializers.ByteArraySerializer::new));
    e.add(new Entry(11, ArrayList.class, () -> new BoundedSerializers.ListSerializer(false)));
    // List.of(...) with 1 or 2 elements, and with 0 or 3+ elements: two JDK-internal classes.
    e.add(new Entry(12, List.of(1).getClass(), () -> new BoundedSerializers.ListSerializer(true)));
    e.add(
        new Entry(
            13, List.of(1, 2, 3).getClass(), () -> new BoundedSerializers.ListSerializer(true)));
    e.add(new Entry(14, NodeId.class, BoundedSerializers.NodeIdSerializer::new));
    // --- transport: 32..63 --------------------------------------------------------------------
    e.add(new Entry(32, Hello.class, HelloSerializer::new));
    // --- gossip: 64..127 (one-byte tags, as SwimMessage's compact layout assumes) --------------
    e.add(new Entry(64, SwimMessage.Ping.class, GossipSerializers.PingSerializer::new));
    e.add(new Entry(65, SwimMessage.PingReq.class, GossipSerializers.PingReqSerializer::new));
    e.add(new Entry(66, SwimMessage.Ack.class, GossipSerializers.AckSerializer::new));
    e.add(new Entry(67, SwimMessage.Nack.class, GossipSerializers.NackSerializer::new));
    e.add(new Entry(68, SwimMessage.Gossip.class, GossipSerializers.GossipSerializer::new));
    e.add(new Entry(69, SwimMessage.PushPull.class, GossipSerializers.PushPullSerializer::new));
    // --- dht: 128..191 ------------------------------------------------------------------------
    e.add(new Entry(128, DhtMessage.Ping.class, DhtSerializers.PingSerializer::new));
    e.add(new Entry(129, DhtMessage.Pong.class, DhtSerializers.PongSerializer::new));
    e.add(new Entry(130, DhtMessage.FindNode.class, DhtSerializers.FindNodeSerializer::new));
    e.add(new Entry(131, DhtMessage.Nodes.class, DhtSerializers.NodesSerializer::new));
    e.add(new Entry(132, DhtMessage.FindValue.class, DhtSerializers.FindValueSerializer::new));
    e.add(new Entry(133, DhtMessage.Values.class, DhtSerializers.ValuesSerializer::new));
    e.add(new Entry(134, DhtMessage.Store.class, DhtSerializers.StoreSerializer::new));
    e.add(new Entry(135, DhtMessage.StoreAck.class, DhtSerializers.StoreAckSerializer::new));
    // --- data path: 192.. ---------------------------------------------------------------------
    e.add(new Entry(192, DataMessage.Mutate.class, DataSerializers.MutateSerializer::new));
    e.add(new Entry(193, DataMessage.Ack.class, DataSerializers.AckSerializer::new));
    e.add(new Entry(194, DataMessage.Read.class, DataSerializers.ReadSerializer::new));
    e.add(new Entry(195, DataMessage.ReadReply.class, DataSerializers.ReadReplySerializer::new));
    e.add(new Entry(196, DataMessage.Scan.class, DataSerializers.ScanSerializer::new));
    e.add(new Entry(197, DataMessage.ScanReply.class, DataSerializers.ScanReplySerializer::new));
    e.add(
        new Entry(
            198, DataMessage.StreamRequest.class, DataSerializers.StreamRequestSerializer::new));
    e.add(
        new Entry(199, DataMessage.StreamBatch.class, DataSerializers.StreamBatchSerializer::new));
    e.add(
        new Entry(200, DataMessage.RingRequest.class, DataSerializers.RingRequestSerializer::new));
    e.add(new Entry(201, DataMessage.RingReply.class, DataSerializers.RingReplySerializer::new));
    ENTRIES = List.copyOf(e);
    checkTable(ENTRIES);
  }

  private WireRegistry() {}

  /** The table, in id order. */
  public static List<Entry> entries() {
    return ENTRIES;
  }

  /**
   * A new Kryo that knows exactly the table: registration required, references off, {@code
   * maxDepth} nested objects at most.
   */
  public static Kryo newKryo(int maxDepth) {
    if (maxDepth <= 0) {
      throw new IllegalArgumentException("maxDepth: " + maxDepth + " (expected: > 0)");
    }
    Kryo kryo = new Kryo(new RegisteredOnlyClassResolver(), null);
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.setMaxDepth(maxDepth);
    for (Entry entry : ENTRIES) {
      kryo.register(entry.type(), entry.serializer().get(), entry.id());
    }
    return kryo;
  }

  private static void checkTable(List<Entry> entries) {
    int previous = -1;
    for (Entry entry : entries) {
      if (entry.id() <= previous) {
        throw new IllegalStateException(
            "wire registry id " + entry.id() + " out of order (after " + previous + ")");
      }
      previous = entry.id();
    }
  }
}
