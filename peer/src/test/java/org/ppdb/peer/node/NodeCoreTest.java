package org.ppdb.peer.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.dht.DhtConfig;
import org.ppdb.gossip.MemberId;
import org.ppdb.gossip.MemberStatus;
import org.ppdb.gossip.MembershipEvent;
import org.ppdb.gossip.SwimConfig;
import org.ppdb.peer.identity.NodeId;

/**
 * Runs several node cores in one thread on a tiny in-test network with a fixed latency, to check
 * how the cores are joined: seeds, hints, rendezvous. (The simulator runs the same cores at scale
 * and with faults.)
 */
class NodeCoreTest {

  private static final long MS = 1_000_000L;
  private static final long LATENCY_NANOS = 2 * MS;

  /** A deterministic network of cores: messages arrive after a fixed latency, in send order. */
  private static final class Net {
    record Delivery(long at, long seq, InetSocketAddress from, InetSocketAddress to, Object msg) {}

    final Map<InetSocketAddress, NodeCore> nodes = new HashMap<>();
    final Set<InetSocketAddress> crashed = new HashSet<>();
    final PriorityQueue<Delivery> inFlight =
        new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    final List<String> events = new ArrayList<>();
    final List<String> discovery = new ArrayList<>();
    long dropDhtUntil;
    long now;
    long seq;

    final Map<InetSocketAddress, String> clusterOf = new HashMap<>();

    NodeCore add(int index, List<InetSocketAddress> seeds, long seed) throws Exception {
      return add("test", index, seeds, List.of(), seed);
    }

    NodeCore add(
        String cluster,
        int index,
        List<InetSocketAddress> seeds,
        List<InetSocketAddress> dhtSeeds,
        long seed)
        throws Exception {
      InetSocketAddress address =
          new InetSocketAddress(
              InetAddress.getByAddress(new byte[] {10, 0, (byte) index, 1}), 7946);
      NodeConfig config =
          new NodeConfig(
              cluster,
              address,
              seeds,
              dhtSeeds,
              SwimConfig.ppdbDefaults(),
              DhtConfig.defaults().toBuilder().requestTimeoutNanos(200 * MS).build(),
              5_000 * MS);
      byte[] idBytes = new byte[NodeId.LENGTH_BYTES];
      new SplittableRandom(seed * 31 + index).nextBytes(idBytes);
      NodeCore core =
          new NodeCore(
              config, NodeId.of(idBytes), new SplittableRandom(seed + index), output(address));
      nodes.put(address, core);
      clusterOf.put(address, cluster);
      return core;
    }

    NodeOutput output(InetSocketAddress self) {
      return new NodeOutput() {
        @Override
        public void sendDatagram(InetSocketAddress to, Object message) {
          inFlight.add(new Delivery(now + LATENCY_NANOS, seq++, self, to, message));
        }

        @Override
        public void sendStream(InetSocketAddress to, Object message) {
          inFlight.add(new Delivery(now + LATENCY_NANOS, seq++, self, to, message));
        }

        @Override
        public void membershipChanged(MembershipEvent event) {
          events.add(self + " " + event.kind() + " " + event.member().id());
        }

        @Override
        public void discoveryProgress(String what) {
          discovery.add(self + " " + what);
        }
      };
    }

    void runUntil(long until) {
      while (now < until) {
        long next = until;
        if (!inFlight.isEmpty()) {
          next = Math.min(next, inFlight.peek().at);
        }
        for (Map.Entry<InetSocketAddress, NodeCore> entry : nodes.entrySet()) {
          if (!crashed.contains(entry.getKey())) {
            next = Math.min(next, Math.max(now, entry.getValue().nextDeadlineNanos()));
          }
        }
        now = next;
        while (!inFlight.isEmpty() && inFlight.peek().at <= now) {
          Delivery d = inFlight.poll();
          NodeCore target = nodes.get(d.to);
          // Like the transport's envelope check: gossip never crosses clusters, the DHT does.
          boolean crossCluster =
              !(d.msg instanceof org.ppdb.dht.DhtMessage)
                  && !clusterOf.get(d.from).equals(clusterOf.get(d.to));
          boolean lostDht = d.msg instanceof org.ppdb.dht.DhtMessage && now < dropDhtUntil;
          if (target != null
              && !crossCluster
              && !lostDht
              && !crashed.contains(d.to)
              && !crashed.contains(d.from)) {
            target.onDatagram(d.from, d.msg, now);
          }
        }
        // Tick in address order so the run does not depend on hash order.
        nodes.entrySet().stream()
            .sorted((a, b) -> a.getKey().toString().compareTo(b.getKey().toString()))
            .forEach(
                entry -> {
                  if (!crashed.contains(entry.getKey())
                      && entry.getValue().nextDeadlineNanos() <= now) {
                    entry.getValue().onTick(now);
                  }
                });
      }
    }

    long aliveAt(NodeCore observer) {
      return observer.members().members().stream()
          .filter(m -> m.status() == MemberStatus.ALIVE)
          .count();
    }
  }

  @Test
  void fivePeersJoinedThroughOneSeedAllSeeFiveAlive() throws Exception {
    Net net = new Net();
    NodeCore first = net.add(1, List.of(), 7);
    first.start(0);
    List<NodeCore> others = new ArrayList<>();
    for (int i = 2; i <= 5; i++) {
      NodeCore core = net.add(i, List.of(first.advertised()), 7);
      core.start(0);
      others.add(core);
    }
    net.runUntil(10_000 * MS);
    assertThat(net.aliveAt(first)).isEqualTo(5);
    for (NodeCore core : others) {
      assertThat(net.aliveAt(core)).as("view of %s", core.advertised()).isEqualTo(5);
    }
  }

  @Test
  void aCrashedPeerIsDeclaredDeadByTheOthers() throws Exception {
    Net net = new Net();
    NodeCore first = net.add(1, List.of(), 11);
    first.start(0);
    List<NodeCore> all = new ArrayList<>(List.of(first));
    for (int i = 2; i <= 5; i++) {
      NodeCore core = net.add(i, List.of(first.advertised()), 11);
      core.start(0);
      all.add(core);
    }
    net.runUntil(10_000 * MS);
    NodeCore victim = all.get(3);
    net.crashed.add(victim.advertised());
    net.runUntil(60_000 * MS);
    MemberId victimId = MemberId.of(victim.id().toBytes());
    for (NodeCore core : all) {
      if (core != victim) {
        assertThat(core.members().status(victimId))
            .as("%s sees the crashed peer", core.advertised())
            .isEqualTo(MemberStatus.DEAD);
      }
    }
  }

  @Test
  void aPeerWithoutGossipSeedsFindsItsClusterThroughTheDhtRendezvous() throws Exception {
    Net net = new Net();
    // A DHT node of another cluster: the only address the newcomer knows.
    NodeCore stranger = net.add("elsewhere", 9, List.of(), List.of(), 3);
    stranger.start(0);
    // Three founders form cluster 'test' through a gossip seed and use the stranger for the DHT.
    NodeCore first = net.add("test", 1, List.of(), List.of(stranger.advertised()), 3);
    first.start(0);
    for (int i = 2; i <= 3; i++) {
      net.add("test", i, List.of(first.advertised()), List.of(stranger.advertised()), 3).start(0);
    }
    net.runUntil(8_000 * MS);
    assertThat(net.aliveAt(first)).isEqualTo(3);

    NodeCore newcomer = net.add("test", 4, List.of(), List.of(stranger.advertised()), 3);
    newcomer.start(net.now);
    net.runUntil(net.now + 20_000 * MS);
    assertThat(net.aliveAt(newcomer)).isEqualTo(4);
    assertThat(net.aliveAt(first)).isEqualTo(4);
    assertThat(newcomer.rendezvousFound()).isGreaterThan(0);
    // The stranger's cluster never merged with 'test'.
    assertThat(net.aliveAt(stranger)).isEqualTo(1);
  }

  @Test
  void aDhtBootstrapWhoseAnswersWereLostIsRetried() throws Exception {
    Net net = new Net();
    NodeCore first = net.add(1, List.of(), 13);
    first.start(0);
    net.runUntil(1_000 * MS);
    net.dropDhtUntil = 3_000 * MS; // every DHT message of the first bootstrap is lost
    NodeCore second = net.add(2, List.of(first.advertised()), 13);
    second.start(net.now);
    net.runUntil(3_000 * MS);
    assertThat(second.dht().routingTable().size()).isZero();
    assertThat(net.aliveAt(second)).as("gossip joined regardless").isEqualTo(2);
    net.runUntil(20_000 * MS);
    assertThat(second.dht().routingTable().size()).as("bootstrap retried").isPositive();
  }

  @Test
  void aNewKeyAtAnOldAddressIsANewMember() throws Exception {
    Net net = new Net();
    NodeCore first = net.add(1, List.of(), 17);
    first.start(0);
    NodeCore old = net.add(2, List.of(first.advertised()), 17);
    old.start(0);
    net.add(3, List.of(first.advertised()), 17).start(0);
    net.runUntil(5_000 * MS);
    assertThat(net.aliveAt(first)).isEqualTo(3);

    // The machine at peer 2's address is wiped: a new identity starts there.
    net.crashed.add(old.advertised());
    net.runUntil(net.now + 30_000 * MS);
    net.crashed.remove(old.advertised());
    NodeCore replacement = net.add(2, List.of(first.advertised()), 99);
    assertThat(replacement.advertised()).isEqualTo(old.advertised());
    assertThat(replacement.id()).isNotEqualTo(old.id());
    replacement.start(net.now);
    net.runUntil(net.now + 10_000 * MS);

    MemberId oldId = MemberId.of(old.id().toBytes());
    MemberId newId = MemberId.of(replacement.id().toBytes());
    assertThat(first.members().status(newId)).isEqualTo(MemberStatus.ALIVE);
    assertThat(first.members().status(oldId)).isEqualTo(MemberStatus.DEAD);
    assertThat(net.aliveAt(first)).isEqualTo(3);
  }

  @Test
  void aHintAboutAnUnknownPeerJoinsIt() throws Exception {
    Net net = new Net();
    NodeCore a = net.add(1, List.of(), 5);
    NodeCore b = net.add(2, List.of(), 5);
    a.start(0);
    b.start(0);
    net.runUntil(2_000 * MS);
    assertThat(net.aliveAt(a)).isEqualTo(1);
    a.onPeerHint(b.advertised(), b.id(), net.now);
    net.runUntil(net.now + 5_000 * MS);
    assertThat(net.aliveAt(a)).isEqualTo(2);
    assertThat(net.aliveAt(b)).isEqualTo(2);
  }

  @Test
  void aPeerAloneHasNobodyToTellWhenItLeaves() throws Exception {
    Net net = new Net();
    NodeCore alone = net.add(1, List.of(), 21);
    alone.start(0);
    net.runUntil(1_000 * MS);
    alone.leave(net.now);
    assertThat(alone.leaveComplete()).isTrue();
  }

  @Test
  void aLeaveIsCompleteOnlyOnceItHasSpread() throws Exception {
    Net net = new Net();
    NodeCore first = net.add(1, List.of(), 23);
    first.start(0);
    NodeCore second = net.add(2, List.of(first.advertised()), 23);
    second.start(0);
    net.runUntil(3_000 * MS);
    second.leave(net.now);
    assertThat(second.leaveComplete()).isFalse();
    net.runUntil(net.now + 10_000 * MS);
    assertThat(second.leaveComplete()).isTrue();
    assertThat(first.members().status(org.ppdb.gossip.MemberId.of(second.id().toBytes())))
        .isEqualTo(MemberStatus.LEFT);
  }

  @Test
  void messagesOfUnknownTypesAreDroppedAndCounted() throws Exception {
    Net net = new Net();
    NodeCore a = net.add(1, List.of(), 1);
    a.start(0);
    a.onDatagram(a.advertised(), "not a protocol message", 1);
    assertThat(a.droppedUnknownMessages()).isEqualTo(1);
  }
}
