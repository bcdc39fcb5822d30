package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ppdb.gossip.TestCluster.MS;
import static org.ppdb.gossip.TestCluster.S;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppdb.gossip.TestCluster.Node;

/**
 * Seeded properties of whole clusters of cores run by {@link TestCluster}. Each test takes a seed,
 * prints it in every assertion message, and is reproducible from it.
 */
class SwimPropertyTest {

  private static TestCluster formCluster(SwimConfig config, long seed, int size) {
    TestCluster c = new TestCluster(config, seed);
    SplittableRandom r = new SplittableRandom(seed ^ 0x5eed);
    Node first = c.add();
    c.join(first);
    for (int i = 1; i < size; i++) {
      c.runFor(r.nextLong(50 * MS));
      Node n = c.add();
      // Join through one or two random earlier members, as discovery would give.
      c.join(n, c.nodes.get(r.nextInt(i)));
    }
    return c;
  }

  private static long deadEvents(TestCluster c, Node about) {
    long count = 0;
    for (Node n : c.nodes) {
      for (MembershipEvent e : n.events) {
        if (e.kind() == MembershipEvent.Kind.DEAD
            && (about == null || e.member().id().equals(about.id))) {
          count++;
        }
      }
    }
    return count;
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {1, 2, 3})
  void allMembersConvergeToOneViewAfterFaultFreePeriod(long seed) {
    TestCluster c = formCluster(SwimConfig.ppdbDefaults(), seed, 60);
    // Members that join at the same moment through different seeds learn of each other by gossip
    // or, at the latest, by the first push-pull exchanges.
    c.runFor(120 * S);
    assertThat(c.converged()).as(() -> "seed=" + seed + ": " + c.describeDisagreement()).isTrue();
    assertThat(deadEvents(c, null)).as("seed=%d: false deaths", seed).isZero();
    for (Node n : c.nodes) {
      assertThat(n.swim.view().liveCount()).as("seed=%d %s", seed, n.id).isEqualTo(60);
    }
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {11, 12, 13})
  void crashedMemberIsDeclaredDeadByAllWithinBound(long seed) {
    crashedMemberIsDeclaredDeadByAllWithinBound(SwimConfig.ppdbDefaults(), seed);
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {14})
  void crashedMemberIsDeclaredDeadByAllWithinBoundWithMemberlistDefaults(long seed) {
    crashedMemberIsDeclaredDeadByAllWithinBound(SwimConfig.memberlistLan(), seed);
  }

  private static void crashedMemberIsDeclaredDeadByAllWithinBound(SwimConfig config, long seed) {
    int size = 50;
    TestCluster c = formCluster(config, seed, size);
    c.runFor(120 * S);
    assertThat(c.converged()).as(() -> "seed=" + seed + ": " + c.describeDisagreement()).isTrue();
    Node victim = c.nodes.get(new SplittableRandom(seed).nextInt(size));
    c.crash(victim);
    long crashedAt = c.now;
    // Bound: a full probe round to be probed for sure, the maximum suspicion timeout, and slack
    // for dissemination.
    long bound = size * config.probeIntervalNanos() + config.suspicionMaxNanos(size) + 5 * S;
    long detectedAt = -1;
    while (c.now - crashedAt <= bound) {
      c.runFor(100 * MS);
      if (c.converged()) {
        detectedAt = c.now;
        break;
      }
    }
    assertThat(detectedAt)
        .as(
            () ->
                "seed="
                    + seed
                    + ": not all knew "
                    + victim.id
                    + " dead within "
                    + bound / MS
                    + " ms: "
                    + c.describeDisagreement())
        .isPositive();
    for (Node n : c.nodes) {
      if (n != victim) {
        assertThat(n.swim.view().status(victim.id))
            .as("seed=%d %s", seed, n.id)
            .isEqualTo(MemberStatus.DEAD);
      }
    }
    assertThat(deadEvents(c, null) - deadEvents(c, victim))
        .as("seed=%d: false deaths", seed)
        .isZero();
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {21, 22})
  void memberThatKeepsAnsweringIsNeverDeclaredDeadUnderLoss(long seed) {
    TestCluster c = formCluster(SwimConfig.ppdbDefaults(), seed, 40);
    c.runFor(10 * S);
    c.lossRate = 0.10;
    c.runFor(300 * S);
    assertThat(deadEvents(c, null)).as("seed=%d: false deaths at 10%% loss", seed).isZero();
    c.lossRate = 0;
    c.runFor(20 * S);
    assertThat(c.converged()).as(() -> "seed=" + seed + ": " + c.describeDisagreement()).isTrue();
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {31, 32})
  void incarnationsNeverDecrease(long seed) {
    TestCluster c = formCluster(SwimConfig.ppdbDefaults(), seed, 30);
    c.lossRate = 0.05;
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, Long> seen = new HashMap<>();
    int refutations = 0;
    for (int second = 0; second < 180; second++) {
      if (second % 15 == 0) {
        // Starve a random member for 3 s now and then so that suspicions and refutations happen.
        c.starve(c.nodes.get(r.nextInt(c.nodes.size())), c.now + 3 * S);
      }
      c.runFor(S);
      for (Node observer : c.nodes) {
        for (Member m : observer.swim.view().members()) {
          String key = observer.id + "/" + m.id();
          Long before = seen.put(key, m.incarnation());
          assertThat(m.incarnation())
              .as("seed=%d t=%dms %s", seed, c.now / MS, key)
              .isGreaterThanOrEqualTo(before == null ? 0 : before);
          if (before != null && m.incarnation() > before) {
            refutations++;
          }
        }
      }
    }
    assertThat(refutations).as("seed=%d: the scenario must exercise refutation", seed).isPositive();
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {41, 42})
  void starvedMemberDoesNotCauseFalseDeaths(long seed) {
    TestCluster c = formCluster(SwimConfig.ppdbDefaults(), seed, 40);
    c.runFor(10 * S);
    c.lossRate = 0.05;
    Node starved = c.nodes.get(7);
    for (int cycle = 0; cycle < 30; cycle++) {
      // Lifeguard's scenario: the member's ticks and inbox are delayed by seconds at a time.
      c.starve(starved, c.now + 4 * S);
      c.runFor(10 * S);
    }
    long falseDeaths = deadEvents(c, null) - deadEvents(c, starved);
    assertThat(falseDeaths)
        .as("seed=%d: members declared dead because %s was slow", seed, starved.id)
        .isZero();
    c.lossRate = 0;
    c.runFor(30 * S);
    for (Node n : c.nodes) {
      assertThat(n.swim.view().status(starved.id))
          .as("seed=%d %s on the starved member after it recovered", seed, n.id)
          .isEqualTo(MemberStatus.ALIVE);
    }
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {51})
  void leaveEndsAsLeftNotDead(long seed) {
    TestCluster c = formCluster(SwimConfig.ppdbDefaults(), seed, 30);
    c.runFor(10 * S);
    Node leaver = c.nodes.get(3);
    leaver.swim.leave(c.now, leaver);
    leaver.reschedule();
    c.runFor(10 * S);
    assertThat(leaver.swim.leaveDisseminated()).as("seed=%d", seed).isTrue();
    c.crash(leaver);
    c.runFor(30 * S);
    for (Node n : c.nodes) {
      if (n == leaver) {
        continue;
      }
      assertThat(n.swim.view().status(leaver.id))
          .as("seed=%d %s", seed, n.id)
          .isEqualTo(MemberStatus.LEFT);
      assertThat(n.events)
          .as("seed=%d %s", seed, n.id)
          .anyMatch(
              e -> e.kind() == MembershipEvent.Kind.LEFT && e.member().id().equals(leaver.id));
    }
    assertThat(deadEvents(c, null)).as("seed=%d", seed).isZero();
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {61})
  void restartedMemberRejoinsWithHigherIncarnation(long seed) {
    TestCluster c = formCluster(SwimConfig.ppdbDefaults(), seed, 20);
    c.runFor(10 * S);
    Node victim = c.nodes.get(5);
    c.crash(victim);
    c.runFor(60 * S);
    assertThat(c.converged()).as(() -> "seed=" + seed + ": " + c.describeDisagreement()).isTrue();
    long deadIncarnation = c.nodes.get(0).swim.view().get(victim.id).incarnation();
    // The same id and address come back with a fresh core at incarnation 0.
    TestCluster.Node reborn = c.replace(victim);
    c.join(reborn, c.nodes.get(0));
    c.runFor(20 * S);
    assertThat(c.converged()).as(() -> "seed=" + seed + ": " + c.describeDisagreement()).isTrue();
    for (Node n : c.nodes) {
      assertThat(n.swim.view().get(victim.id).incarnation())
          .as("seed=%d %s", seed, n.id)
          .isGreaterThan(deadIncarnation);
    }
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {71})
  void metadataUpdateReachesEveryMember(long seed) {
    TestCluster c = formCluster(SwimConfig.ppdbDefaults(), seed, 30);
    c.runFor(10 * S);
    Node n3 = c.nodes.get(3);
    n3.swim.updateMetadata(new byte[] {1, 2, 3}, c.now, n3);
    n3.reschedule();
    c.runFor(5 * S);
    for (Node n : c.nodes) {
      Member m = n.swim.view().get(n3.id);
      assertThat(m.metadataVersion()).as("seed=%d %s", seed, n.id).isEqualTo(1);
      assertThat(m.metadata()).as("seed=%d %s", seed, n.id).containsExactly(1, 2, 3);
      if (n != n3) {
        assertThat(n.events)
            .as("seed=%d %s", seed, n.id)
            .anyMatch(e -> e.kind() == MembershipEvent.Kind.METADATA_UPDATED);
      }
    }
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {91, 92})
  void partitionHealsAfterEachSideDeclaredTheOtherDead(long seed) {
    TestCluster c = formCluster(SwimConfig.ppdbDefaults(), seed, 24);
    c.runFor(60 * S);
    assertThat(c.converged()).as(() -> "seed=" + seed + ": " + c.describeDisagreement()).isTrue();
    c.blocked = (from, to) -> (from.index % 2) != (to.index % 2);
    c.runFor(60 * S);
    Node even = c.nodes.get(0);
    Node odd = c.nodes.get(1);
    assertThat(even.swim.view().status(odd.id))
        .as("seed=%d: the partition must have made each side dead to the other", seed)
        .isEqualTo(MemberStatus.DEAD);
    c.blocked = null;
    long healed = -1;
    for (int i = 0; i < 300 && healed < 0; i++) {
      c.runFor(S);
      if (c.converged()) {
        healed = c.now;
      }
    }
    assertThat(healed)
        .as(() -> "seed=" + seed + ": not healed: " + c.describeDisagreement())
        .isPositive();
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {81})
  void sameSeedGivesSameRun(long seed) {
    assertThat(eventLog(seed)).as("seed=%d", seed).isEqualTo(eventLog(seed));
  }

  private static List<String> eventLog(long seed) {
    TestCluster c = formCluster(SwimConfig.ppdbDefaults(), seed, 25);
    List<String> log = new ArrayList<>();
    c.eventListener = e -> log.add(e.nanos() + " " + e.node().id + " " + e.event());
    c.lossRate = 0.05;
    c.runFor(10 * S);
    c.crash(c.nodes.get(4));
    c.runFor(40 * S);
    log.add("messages=" + c.messagesSent + " bytes=" + c.bytesSent);
    return log;
  }
}
