package org.ppdb.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.dht.DhtResult.LookupResult;
import org.ppdb.dht.DhtResult.RendezvousResult;

/** Whole-network scenarios in the test driver: rendezvous, determinism, adversaries. */
class NetworkScenarioTest {

  @Test
  void newPeersFindTheirClusterThroughOneSeed() {
    long seed = 31;
    TestNetwork net = LookupPropertyTest.build(seed, 400, DhtConfig.defaults());
    SplittableRandom r = new SplittableRandom(seed);
    List<NodeId> members = new ArrayList<>();
    long worstNanos = 0;
    for (int m = 0; m < 12; m++) {
      // A new peer on its own subnet, knowing one seed address.
      TestNetwork.Node peer =
          net.add(
              "member" + m,
              DhtConfig.defaults(),
              NodeId.random(r),
              Address.ipv4(192, 168, m, 10, 7000));
      Address seedAddress = net.nodes.get(r.nextInt(400)).address;
      long start = net.now;
      net.await(peer, x -> x.dht.bootstrap(List.of(seedAddress), net.now, x.outbox));
      RendezvousResult found =
          (RendezvousResult)
              net.await(
                  peer,
                  x ->
                      x.dht.rendezvous(
                          "prod",
                          ("m" + x.name).getBytes(StandardCharsets.UTF_8),
                          net.now,
                          x.outbox));
      worstNanos = Math.max(worstNanos, net.now - start);
      assertThat(found.providers().stream().map(p -> p.publisher().id()))
          .as("seed %d: member %d finds all earlier members", seed, m)
          .containsExactlyInAnyOrderElementsOf(members);
      assertThat(found.storedCount()).as("seed %d", seed).isEqualTo(20);
      members.add(peer.id());
    }
    System.out.printf(
        "seed=%d rendezvous of 12 members in 400 nodes: worst join+rendezvous %d ms (virtual)%n",
        seed, worstNanos / TestNetwork.MS);
  }

  @Test
  void oneSeedRunTwiceGivesTheSameNetwork() {
    long seed = 77;
    String first = fingerprint(LookupPropertyTest.build(seed, 300, DhtConfig.defaults()));
    String second = fingerprint(LookupPropertyTest.build(seed, 300, DhtConfig.defaults()));
    assertThat(second).as("seed %d", seed).isEqualTo(first);
  }

  private static String fingerprint(TestNetwork net) {
    StringBuilder sb = new StringBuilder().append(net.delivered).append(' ').append(net.now);
    long h = 17;
    for (TestNetwork.Node n : net.nodes) {
      for (Contact c : n.dht.routingTable().contacts()) {
        h = h * 31 + c.id().hashCode();
      }
      h = h * 31 + n.dht.stats().hashCode();
    }
    return sb.append(' ').append(h).toString();
  }

  @Test
  void disjointPathsResistNodesThatHideHonestOnes() {
    long seed = 13;
    int n = 800;
    double[] success = new double[2];
    int[] paths = {1, 4};
    for (int variant = 0; variant < 2; variant++) {
      DhtConfig config = DhtConfig.builder().disjointPaths(paths[variant]).build();
      TestNetwork net = LookupPropertyTest.build(seed, n, config);
      SplittableRandom r = new SplittableRandom(seed);
      int bad = 0;
      while (bad < n * 40 / 100) {
        TestNetwork.Node x = net.nodes.get(r.nextInt(n));
        if (!x.adversarial) {
          x.adversarial = true;
          bad++;
        }
      }
      List<TestNetwork.Node> honest = net.nodes.stream().filter(x -> !x.adversarial).toList();
      int ok = 0;
      int lookups = 200;
      for (int i = 0; i < lookups; i++) {
        TestNetwork.Node from = honest.get(r.nextInt(honest.size()));
        NodeId target = NodeId.random(r);
        LookupResult res =
            (LookupResult) net.await(from, x -> x.dht.lookup(target, net.now, x.outbox));
        NodeId trueClosestHonest =
            honest.stream()
                .filter(x -> x != from)
                .map(TestNetwork.Node::id)
                .min((a, b) -> NodeId.compareDistance(target, a, b))
                .orElseThrow();
        if (res.closest().stream().anyMatch(c -> c.id().equals(trueClosestHonest))) {
          ok++;
        }
      }
      success[variant] = (double) ok / lookups;
    }
    System.out.printf(
        "seed=%d nodes=%d adversaries=40%% closest honest found: d=1 %.3f, d=4 %.3f%n",
        seed, n, success[0], success[1]);
    assertThat(success[1])
        .as("seed %d: d=4 %s vs d=1 %s", seed, success[1], success[0])
        .isGreaterThan(success[0]);
    assertThat(success[1]).as("seed %d", seed).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void recordsLiveWhileTheirPublisherRepublishesThem() {
    long seed = 3;
    TestNetwork net = LookupPropertyTest.build(seed, 60, DhtConfig.defaults());
    TestNetwork.Node publisher = net.nodes.get(5);
    TestNetwork.Node reader = net.nodes.get(40);
    NodeId kept = NodeId.sha1("kept");
    NodeId dropped = NodeId.sha1("dropped");
    byte[] value = "v".getBytes(StandardCharsets.UTF_8);
    net.await(publisher, x -> x.dht.store(kept, value, net.now, x.outbox));
    net.await(publisher, x -> x.dht.store(dropped, value, net.now, x.outbox));
    publisher.dht.unpublish(dropped, RecordKind.VALUE);
    // Two record lifetimes later, only the republished record is still held anywhere.
    net.runTo(net.now + 48 * 3_600_000 * TestNetwork.MS);
    DhtResult.FindValueResult found =
        (DhtResult.FindValueResult)
            net.await(reader, x -> x.dht.findValue(kept, net.now, x.outbox));
    DhtResult.FindValueResult gone =
        (DhtResult.FindValueResult)
            net.await(reader, x -> x.dht.findValue(dropped, net.now, x.outbox));
    assertThat(found.records()).as("seed %d", seed).hasSize(1);
    assertThat(found.records().get(0).publisher().id()).isEqualTo(publisher.id());
    assertThat(gone.records()).as("seed %d", seed).isEmpty();
    long holders = net.nodes.stream().filter(x -> x.dht.storedRecordCount() > 0).count();
    assertThat(holders).as("seed %d: holders of the kept record", seed).isBetween(1L, 21L);
  }
}
