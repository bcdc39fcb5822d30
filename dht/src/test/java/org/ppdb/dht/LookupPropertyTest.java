package org.ppdb.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ppdb.dht.DhtResult.BootstrapResult;
import org.ppdb.dht.DhtResult.LookupResult;

/**
 * Seeded property tests on networks of a few thousand nodes, driven by {@link TestNetwork}: routing
 * tables and lookup results against a brute-force closest-k over all live nodes.
 */
class LookupPropertyTest {

  /** Figures of one lookup campaign. */
  record Campaign(
      int lookups,
      int closestFound,
      int exactK,
      double overlap,
      int[] rounds,
      int[] messages,
      long wallMillis) {
    double closestRate() {
      return (double) closestFound / lookups;
    }

    double exactRate() {
      return (double) exactK / lookups;
    }

    int percentile(int[] values, double p) {
      int[] sorted = values.clone();
      Arrays.sort(sorted);
      return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    @Override
    public String toString() {
      return String.format(
          "lookups=%d closest=%.4f exactK=%.4f overlapK=%.4f rounds p50=%d p99=%d messages p50=%d p99=%d"
              + " wall=%dms",
          lookups,
          closestRate(),
          exactRate(),
          overlap,
          percentile(rounds, 0.5),
          percentile(rounds, 0.99),
          percentile(messages, 0.5),
          percentile(messages, 0.99),
          wallMillis);
    }
  }

  static TestNetwork build(long seed, int n, DhtConfig config) {
    return buildTraced(seed, n, config, null);
  }

  static TestNetwork buildTraced(
      long seed, int n, DhtConfig config, java.util.function.Consumer<String> tracer) {
    TestNetwork net = new TestNetwork(seed, 10 * TestNetwork.MS, 50 * TestNetwork.MS);
    net.tracer = tracer;
    SplittableRandom ids = net.fork();
    SplittableRandom choice = net.fork();
    for (int i = 0; i < n; i++) {
      TestNetwork.Node node =
          net.add("n" + i, config, NodeId.random(ids), TestNetwork.addressOf(i));
      if (i == 0) {
        continue;
      }
      Address seedAddress = net.nodes.get(choice.nextInt(i)).address;
      DhtResult r = net.await(node, x -> x.dht.bootstrap(List.of(seedAddress), net.now, x.outbox));
      assertThat(r).as("seed %d: bootstrap of n%d", seed, i).isInstanceOf(BootstrapResult.class);
      assertThat(r.status())
          .as("seed %d: bootstrap of n%d", seed, i)
          .isEqualTo(OperationStatus.COMPLETED);
    }
    // Let background refreshes and verification pings finish.
    net.runTo(net.now + 60_000 * TestNetwork.MS);
    return net;
  }

  static Campaign lookups(TestNetwork net, long seed, int count) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    List<TestNetwork.Node> live = new ArrayList<>();
    for (TestNetwork.Node n : net.nodes) {
      if (!n.failed) {
        live.add(n);
      }
    }
    int k = live.get(0).dht.config().bucketSize();
    int closest = 0;
    int exact = 0;
    long overlap = 0;
    int[] rounds = new int[count];
    int[] messages = new int[count];
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      TestNetwork.Node from = live.get(r.nextInt(live.size()));
      NodeId target = NodeId.random(r);
      LookupResult res =
          (LookupResult) net.await(from, x -> x.dht.lookup(target, net.now, x.outbox));
      List<NodeId> truth = net.bruteForceClosest(target, k, from.id());
      List<NodeId> got = res.closest().stream().map(Contact::id).toList();
      if (!got.isEmpty() && got.get(0).equals(truth.get(0))) {
        closest++;
      }
      if (got.equals(truth)) {
        exact++;
      }
      overlap += got.stream().filter(truth::contains).count();
      rounds[i] = res.stats().rounds();
      messages[i] = res.stats().requests();
    }
    return new Campaign(
        count,
        closest,
        exact,
        (double) overlap / ((long) count * Math.min(k, live.size() - 1)),
        rounds,
        messages,
        (System.nanoTime() - start) / 1_000_000);
  }

  static void assertTableInvariants(TestNetwork net, long seed) {
    Set<NodeId> all = new HashSet<>();
    for (TestNetwork.Node n : net.nodes) {
      all.add(n.id());
    }
    DhtConfig config = net.nodes.get(0).dht.config();
    for (TestNetwork.Node n : net.nodes) {
      RoutingTable t = n.dht.routingTable();
      Set<NodeId> seen = new HashSet<>();
      int total = 0;
      for (int i = 0; i < t.bucketCount(); i++) {
        List<Contact> bucket = t.bucket(i);
        assertThat(bucket.size())
            .as("seed %d %s bucket %d", seed, n.name, i)
            .isLessThanOrEqualTo(config.bucketSize());
        for (Contact c : bucket) {
          assertThat(n.id().commonPrefixLength(c.id()))
              .as("seed %d %s bucket %d holds %s", seed, n.name, i, c)
              .isEqualTo(i);
          assertThat(all)
              .as("seed %d %s knows a node that never existed", seed, n.name)
              .contains(c.id());
          assertThat(seen.add(c.id())).as("seed %d %s duplicate %s", seed, n.name, c).isTrue();
          assertThat(bucket.stream().filter(o -> o.address().sameSubnet(c.address())).count())
              .as("seed %d %s subnet limit in bucket %d", seed, n.name, i)
              .isLessThanOrEqualTo(config.contactsPerSubnetPerBucketMax());
          assertThat(net.byAddress.get(c.address()).id())
              .as("seed %d %s: contact address matches the node", seed, n.name)
              .isEqualTo(c.id());
        }
        total += bucket.size();
      }
      assertThat(t.size()).as("seed %d %s size", seed, n.name).isEqualTo(total);
      // closest() walks buckets; it must agree with sorting the whole table.
      NodeId target = NodeId.sha1(n.name);
      List<Contact> sorted = new ArrayList<>(t.contacts());
      sorted.sort((a, b) -> NodeId.compareDistance(target, a.id(), b.id()));
      assertThat(t.closest(target, config.bucketSize()))
          .as("seed %d %s closest()", seed, n.name)
          .isEqualTo(sorted.subList(0, Math.min(config.bucketSize(), sorted.size())));
    }
  }

  /** The fraction of nodes whose table holds their true closest live neighbour. */
  static double neighbourCoverage(TestNetwork net) {
    int ok = 0;
    int live = 0;
    for (TestNetwork.Node n : net.nodes) {
      if (n.failed) {
        continue;
      }
      live++;
      NodeId nearest = net.bruteForceClosest(n.id(), 1, n.id()).get(0);
      if (n.dht.routingTable().contains(nearest)) {
        ok++;
      }
    }
    return (double) ok / live;
  }

  @Test
  void lookupsFindTheTrueClosestNodes() {
    long seed = Long.getLong("ppdb.seed", 20261121L);
    int n = Integer.getInteger("ppdb.dht.nodes", 2000);
    long t0 = System.nanoTime();
    TestNetwork net = build(seed, n, DhtConfig.defaults());
    long buildMs = (System.nanoTime() - t0) / 1_000_000;
    assertTableInvariants(net, seed);
    double coverage = neighbourCoverage(net);
    Campaign c = lookups(net, seed, 500);
    System.out.printf(
        "seed=%d nodes=%d build=%dms messages=%d neighbourCoverage=%.4f %s%n",
        seed, n, buildMs, net.delivered, coverage, c);
    assertThat(coverage)
        .as("seed %d: nodes knowing their closest neighbour", seed)
        .isGreaterThanOrEqualTo(0.99);
    assertThat(c.closestRate()).as("seed %d: %s", seed, c).isGreaterThanOrEqualTo(0.998);
    assertThat(c.exactRate()).as("seed %d: %s", seed, c).isGreaterThanOrEqualTo(0.95);
    assertThat(c.percentile(c.rounds(), 0.5)).as("seed %d: %s", seed, c).isLessThanOrEqualTo(4);
  }

  @Test
  void lookupsSurviveTwentyPercentSilentFailures() {
    long seed = Long.getLong("ppdb.seed", 7L);
    int n = Integer.getInteger("ppdb.dht.nodes", 2000);
    TestNetwork net = build(seed, n, DhtConfig.defaults());
    SplittableRandom r = new SplittableRandom(seed);
    int failed = 0;
    while (failed < n / 5) {
      TestNetwork.Node victim = net.nodes.get(r.nextInt(n));
      if (!victim.failed) {
        victim.failed = true;
        failed++;
      }
    }
    Campaign c = lookups(net, seed, 500);
    System.out.printf("seed=%d nodes=%d failed=20%% %s%n", seed, n, c);
    assertThat(c.closestRate()).as("seed %d: %s", seed, c).isGreaterThanOrEqualTo(0.99);
    // Tables still list the dead nodes right after the failure, so answers carry fewer than k live
    // contacts and the k-th closest live node is sometimes never heard of: the exact k set is
    // not expected here, most of it is.
    assertThat(c.overlap()).as("seed %d: %s", seed, c).isGreaterThanOrEqualTo(0.9);
    // An hour of bucket refreshes later, the tables have dropped most dead contacts.
    net.runTo(net.now + 3_700_000 * TestNetwork.MS);
    Campaign healed = lookups(net, seed + 1, 500);
    System.out.printf("seed=%d nodes=%d failed=20%% after 1 h of refresh %s%n", seed, n, healed);
    assertThat(healed.closestRate()).as("seed %d: %s", seed, healed).isGreaterThanOrEqualTo(0.99);
    assertThat(healed.overlap()).as("seed %d: %s", seed, healed).isGreaterThan(c.overlap());
  }

  /**
   * The figures of the report at a larger size: {@code mvn -B -o -pl dht verify -Pslow
   * -Dtest=LookupPropertyTest#campaignAtTenThousandNodes -Dsurefire.failIfNoSpecifiedTests=false}.
   */
  @Test
  @Tag("slow")
  void campaignAtTenThousandNodes() {
    long seed = Long.getLong("ppdb.seed", 10_000L);
    int n = Integer.getInteger("ppdb.dht.nodes", 10_000);
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long before = rt.totalMemory() - rt.freeMemory();
    long t0 = System.nanoTime();
    TestNetwork net = build(seed, n, DhtConfig.defaults());
    long buildMs = (System.nanoTime() - t0) / 1_000_000;
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    long tableContacts = 0;
    for (TestNetwork.Node node : net.nodes) {
      tableContacts += node.dht.routingTable().size();
    }
    System.out.printf(
        "seed=%d nodes=%d build=%dms messages/node=%d contacts/table=%d heap/node=%d bytes"
            + " (driver included)%n",
        seed, n, buildMs, net.delivered / n, tableContacts / n, (after - before) / n);
    Campaign c = lookups(net, seed, 2000);
    System.out.printf("seed=%d nodes=%d %s%n", seed, n, c);
    assertThat(c.closestRate()).as("seed %d: %s", seed, c).isGreaterThanOrEqualTo(0.999);
    assertThat(c.percentile(c.rounds(), 0.5)).as("seed %d: %s", seed, c).isLessThanOrEqualTo(4);
    SplittableRandom r = new SplittableRandom(seed);
    int failed = 0;
    while (failed < n / 5) {
      TestNetwork.Node victim = net.nodes.get(r.nextInt(n));
      if (!victim.failed) {
        victim.failed = true;
        failed++;
      }
    }
    Campaign f = lookups(net, seed + 1, 2000);
    System.out.printf("seed=%d nodes=%d failed=20%% %s%n", seed, n, f);
    assertThat(f.closestRate()).as("seed %d: %s", seed, f).isGreaterThanOrEqualTo(0.99);
  }
}
