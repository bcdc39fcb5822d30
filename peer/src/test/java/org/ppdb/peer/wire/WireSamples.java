package org.ppdb.peer.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ppdb.dht.Contact;
import org.ppdb.dht.DhtMessage;
import org.ppdb.dht.DhtRecord;
import org.ppdb.dht.RecordKind;
import org.ppdb.gossip.Address;
import org.ppdb.gossip.Member;
import org.ppdb.gossip.MemberId;
import org.ppdb.gossip.MemberStatus;
import org.ppdb.gossip.SwimMessage;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.replication.DataMessage;
import org.ppdb.peer.replication.ReplicaRecord;
import org.ppdb.peer.replication.RingMember;
import org.ppdb.peer.ring.RingMetadata;

/** One fixed instance of every registered class, by registration id, for the golden bytes. */
final class WireSamples {
  private WireSamples() {}

  static Map<Integer, Object> byId() {
    Map<Integer, Object> samples = new TreeMap<>();
    samples.put(0, 300);
    samples.put(1, "ppdb \u2713 cluster");
    samples.put(2, 1.5f);
    samples.put(3, true);
    samples.put(4, (byte) -2);
    samples.put(5, 'p');
    samples.put(6, (short) -300);
    samples.put(7, -1L);
    samples.put(8, 0.25d);
    samples.put(10, new byte[] {0, 1, 2, 0x7f, (byte) 0x80, (byte) 0xff});
    samples.put(11, new ArrayList<>(List.of("a", 7, new byte[] {9})));
    samples.put(12, List.of("one"));
    samples.put(13, List.of(1L, 2L, 3L));
    samples.put(14, NodeId.fromHex("0123456789abcdef0123456789abcdef01234567"));
    samples.put(32, new Hello(1, "default", 7946, 7947));
    MemberId alice = MemberId.of(new byte[] {1, 2, 3, 4});
    MemberId bob = MemberId.of("bob");
    Member aliveAlice = Member.alive(alice, new Address("10.0.0.1", 7946));
    Member suspectBob =
        new Member(
            bob,
            List.of(new Address("bob.example", 7946), new Address("::1", 1)),
            300,
            MemberStatus.SUSPECT,
            2,
            new byte[] {7, 7},
            alice);
    samples.put(64, new SwimMessage.Ping(5, bob, List.of(suspectBob)));
    samples.put(
        65, new SwimMessage.PingReq(6, bob, new Address("10.0.0.2", 7946), List.of(aliveAlice)));
    samples.put(66, new SwimMessage.Ack(200, List.of()));
    samples.put(67, new SwimMessage.Nack(Long.MAX_VALUE));
    samples.put(68, new SwimMessage.Gossip(List.of(aliveAlice, suspectBob)));
    samples.put(69, new SwimMessage.PushPull(true, false, List.of(aliveAlice)));
    org.ppdb.dht.NodeId n1 = org.ppdb.dht.NodeId.parse("00112233445566778899aabbccddeeff00112233");
    org.ppdb.dht.NodeId n2 = org.ppdb.dht.NodeId.parse("ffeeddccbbaa99887766554433221100ffeeddcc");
    Contact c4 = new Contact(n2, org.ppdb.dht.Address.ipv4(192, 168, 1, 20, 7946));
    Contact c6 =
        new Contact(
            n1,
            org.ppdb.dht.Address.of(
                new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                443));
    samples.put(128, new DhtMessage.Ping(-1L, n1));
    samples.put(129, new DhtMessage.Pong(0x0102030405060708L, n2));
    samples.put(130, new DhtMessage.FindNode(1, n1, n2));
    samples.put(131, new DhtMessage.Nodes(2, n2, List.of(c4, c6)));
    samples.put(132, new DhtMessage.FindValue(3, n1, n2));
    samples.put(
        133,
        new DhtMessage.Values(
            4,
            n2,
            List.of(new DhtRecord(n1, RecordKind.PROVIDER, c4, new byte[] {1, 2})),
            List.of(c6)));
    samples.put(134, new DhtMessage.Store(5, n1, n2, RecordKind.VALUE, new byte[] {9, 8, 7}));
    samples.put(135, new DhtMessage.StoreAck(6, n2, true));
    ReplicaRecord value =
        new ReplicaRecord(new byte[] {'k', '1'}, new byte[] {'v'}, 0x0102030405060708L, 0);
    ReplicaRecord expiring =
        new ReplicaRecord(new byte[] {'k', '2'}, new byte[] {}, 1L << 40, 1_700_000_000_000L);
    ReplicaRecord tombstone = ReplicaRecord.tombstone(new byte[] {'k', '3'}, 42);
    samples.put(192, new DataMessage.Mutate(1, value));
    samples.put(193, new DataMessage.Ack(300, "overloaded"));
    samples.put(194, new DataMessage.Read(2, new byte[] {'k', '1'}));
    samples.put(195, new DataMessage.ReadReply(3, expiring, null));
    samples.put(196, new DataMessage.Scan(4, new byte[] {'a'}, 100));
    samples.put(
        197, new DataMessage.ScanReply(5, List.of(new byte[] {'b'}, new byte[] {'c'}), true, null));
    samples.put(
        198,
        new DataMessage.StreamRequest(
            6, new long[] {Long.MIN_VALUE, 5}, new long[] {-5, Long.MAX_VALUE}, null, 1 << 20));
    samples.put(
        199,
        new DataMessage.StreamBatch(7, List.of(tombstone, value), new byte[] {'k', '3'}, null));
    samples.put(200, new DataMessage.RingRequest(8));
    samples.put(
        201,
        new DataMessage.RingReply(
            9,
            List.of(
                new RingMember(
                    NodeId.fromHex("0123456789abcdef0123456789abcdef01234567"),
                    new java.net.InetSocketAddress("127.0.0.1", 7946),
                    "alive",
                    new RingMetadata(RingMetadata.State.NORMAL, 6379, new long[] {-7, 7})),
                new RingMember(
                    NodeId.fromHex("ffeeddccbbaa99887766554433221100ffeeddcc"),
                    null,
                    "dead",
                    new RingMetadata(RingMetadata.State.JOINING, 0, new long[] {1})))));
    return samples;
  }
}
