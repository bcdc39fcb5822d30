package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ppdb.gossip.TestCluster.MS;
import static org.ppdb.gossip.TestCluster.S;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ppdb.gossip.TestCluster.Node;

/**
 * Early figures from the in-module driver, until the simulator reports the real ones: crashes one
 * member at a time and measures the time until the first member suspects it and until every live
 * member knows it is dead, with message loss, for both presets; counts false deaths. Slow; run with
 * {@code mvn -B -o -pl gossip verify -Pslow -Dtest=DetectionFiguresTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class DetectionFiguresTest {

  @ParameterizedTest(name = "{0} members, {1}, loss {2}")
  @CsvSource({
    "100, ppdb, 0.05, 20",
    "100, memberlist, 0.05, 20",
    "1000, ppdb, 0.05, 8",
    "1000, memberlist, 0.05, 8"
  })
  void crashDetection(int members, String preset, double loss, int victims) {
    long seed = members * 31L + preset.hashCode();
    SwimConfig config =
        preset.equals("ppdb") ? SwimConfig.ppdbDefaults() : SwimConfig.memberlistLan();
    TestCluster c = new TestCluster(config, seed);
    for (int i = 0; i < members; i++) {
      c.add().recordEvents = false;
    }
    List<Member> all = new ArrayList<>();
    for (Node n : c.nodes) {
      all.add(n.swim.self());
    }
    for (Node n : c.nodes) {
      c.join(n);
      n.swim.onMessage(c.nodes.get(0).address, new SwimMessage.PushPull(true, true, all), c.now, n);
      n.reschedule();
    }
    c.lossRate = loss;
    Set<MemberId> crashed = new HashSet<>();
    Map<MemberId, Long> firstSuspect = new HashMap<>();
    Map<MemberId, Set<MemberId>> knowsDead = new HashMap<>();
    long[] falseDeaths = {0};
    c.eventListener =
        e -> {
          MemberId about = e.event().member().id();
          switch (e.event().kind()) {
            case SUSPECTED -> firstSuspect.putIfAbsent(about, e.nanos());
            case DEAD -> {
              if (crashed.contains(about)) {
                knowsDead.computeIfAbsent(about, k -> new HashSet<>()).add(e.node().id);
              } else {
                falseDeaths[0]++;
              }
            }
            default -> {}
          }
        };
    c.runFor(20 * S);
    firstSuspect.clear();
    SplittableRandom r = new SplittableRandom(seed);
    List<Long> suspectLatency = new ArrayList<>();
    List<Long> deadLatency = new ArrayList<>();
    int alive = members;
    for (int v = 0; v < victims; v++) {
      Node victim;
      do {
        victim = c.nodes.get(r.nextInt(members));
      } while (victim.crashed);
      c.crash(victim);
      crashed.add(victim.id);
      alive--;
      long t0 = c.now;
      long deadline = t0 + 120 * S;
      while (c.now < deadline) {
        c.runFor(100 * MS);
        Set<MemberId> k = knowsDead.get(victim.id);
        if (k != null && k.size() >= alive) {
          break;
        }
      }
      Long s = firstSuspect.get(victim.id);
      suspectLatency.add(s == null ? -1 : s - t0);
      Set<MemberId> k = knowsDead.get(victim.id);
      deadLatency.add(k != null && k.size() >= alive ? c.now - t0 : -1);
      c.runFor(10 * S);
    }
    // Joins: a new member joins through a random seed; how long until every live member knows it.
    Map<MemberId, Set<MemberId>> knowsJoined = new HashMap<>();
    java.util.function.Consumer<TestCluster.NodeEvent> crashListener = c.eventListener;
    c.eventListener =
        e -> {
          crashListener.accept(e);
          if (e.event().kind() == MembershipEvent.Kind.JOINED) {
            knowsJoined
                .computeIfAbsent(e.event().member().id(), k -> new HashSet<>())
                .add(e.node().id);
          }
        };
    List<Long> joinLatency = new ArrayList<>();
    for (int j = 0; j < 5; j++) {
      Node seedNode;
      do {
        seedNode = c.nodes.get(r.nextInt(c.nodes.size()));
      } while (seedNode.crashed);
      Node joiner = c.add();
      joiner.recordEvents = false;
      c.join(joiner, seedNode);
      long t0 = c.now;
      while (c.now < t0 + 60 * S) {
        c.runFor(50 * MS);
        Set<MemberId> k = knowsJoined.get(joiner.id);
        if (k != null && k.size() >= alive) {
          break;
        }
      }
      Set<MemberId> k = knowsJoined.get(joiner.id);
      joinLatency.add(k != null && k.size() >= alive ? c.now - t0 : -1);
      alive++;
      c.runFor(5 * S);
    }
    double hours = c.now / (3600.0 * S);
    System.out.printf(
        "DetectionFiguresTest: %d members %s loss=%.2f: first suspicion p50=%d ms p99=%d ms;"
            + " all know dead p50=%d ms p99=%d ms; false deaths %d (%.2f per member-hour);"
            + " %.0f bytes per member per second %s; join reaches all p50=%d ms max=%d ms"
            + " (%d of %d joins not everywhere within 60 s, left to push-pull)%n",
        members,
        preset,
        loss,
        percentile(suspectLatency, 50) / MS,
        percentile(suspectLatency, 99) / MS,
        percentile(deadLatency, 50) / MS,
        percentile(deadLatency, 99) / MS,
        falseDeaths[0],
        falseDeaths[0] / (members * hours),
        c.bytesSent / (double) members / (c.now / (double) S),
        c.bytesByType,
        percentile(joinLatency, 50) / MS,
        percentile(joinLatency, 100) / MS,
        joinLatency.stream().filter(l -> l < 0).count(),
        joinLatency.size());
    assertThat(deadLatency).as("seed=%d: every crash detected by all", seed).doesNotContain(-1L);
  }

  /**
   * 10,000 members (10^8 observer-member pairs): needs about 4 GiB of heap. {@code mvn -B -o -pl
   * gossip verify -Pslow -Dtest=DetectionFiguresTest#crashDetectionAt10000
   * -Dsurefire.failIfNoSpecifiedTests=false -Dppdb.gossip.scale10k=true -Dppdb.test.argLine=-Xmx5g}
   */
  @ParameterizedTest(name = "{0} members, {1}, loss {2}")
  @CsvSource({"10000, ppdb, 0.05, 3", "10000, memberlist, 0.05, 3"})
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(
      named = "ppdb.gossip.scale10k",
      matches = "true")
  void crashDetectionAt10000(int members, String preset, double loss, int victims) {
    crashDetection(members, preset, loss, victims);
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>();
    for (long v : values) {
      sorted.add(v < 0 ? Long.MAX_VALUE : v); // not reached: counts as infinitely late
    }
    sorted.sort(null);
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
