package org.ppdb.peer.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.ReplicasUnavailableException;
import org.ppdb.peer.api.RequestTimeoutException;
import org.ppdb.peer.api.ScanPage;
import org.ppdb.peer.api.StoredValue;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.ring.RingMetadata;

class ReplicationCoreTest {

  private static final DataConfig CONFIG = DataConfig.defaults(3, 8, 6379);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T done(CompletableFuture<T> future) {
    return Futures.done(future);
  }

  private static Throwable failure(CompletableFuture<?> future) {
    return Futures.failure(future);
  }

  private static MiniCluster servingCluster(int size) {
    MiniCluster cluster = new MiniCluster(CONFIG);
    for (int i = 0; i < size; i++) {
      cluster.add(true);
    }
    cluster.start();
    return cluster;
  }

  private static Optional<StoredValue> read(
      MiniCluster c, int coordinator, String key, Consistency level) {
    CompletableFuture<Optional<StoredValue>> read =
        c.nodes.get(coordinator).core.read(bytes(key), level, c.now);
    c.settle();
    return done(read);
  }

  private static long write(MiniCluster c, int coordinator, String key, String value) {
    CompletableFuture<Long> write =
        c.nodes
            .get(coordinator)
            .core
            .write(bytes(key), value == null ? null : bytes(value), 0, Consistency.QUORUM, c.now);
    c.settle();
    return done(write);
  }

  private static int holders(MiniCluster c, String key) {
    int count = 0;
    for (MiniCluster.Node node : c.nodes) {
      if (node.store.records.containsKey(bytes(key))) {
        count++;
      }
    }
    return count;
  }

  @Test
  void aQuorumWriteReachesTheKeysReplicasAndReadsFromEveryCoordinator() {
    MiniCluster c = servingCluster(5);
    long version = write(c, 0, "apple", "red");
    assertThat(holders(c, "apple")).isEqualTo(3);
    List<NodeId> replicas = c.nodes.get(0).core.readRing().replicasForKey(bytes("apple"));
    for (MiniCluster.Node node : c.nodes) {
      assertThat(node.store.records.containsKey(bytes("apple")))
          .as("node %d holds the key iff it is a replica", node.index)
          .isEqualTo(replicas.contains(node.id));
      Optional<StoredValue> value = read(c, node.index, "apple", Consistency.QUORUM);
      assertThat(value).isPresent();
      assertThat(new String(value.get().value(), StandardCharsets.UTF_8)).isEqualTo("red");
      assertThat(value.get().version()).isEqualTo(version);
    }
  }

  @Test
  void laterWritesWinAndDeletesHideTheValue() {
    MiniCluster c = servingCluster(3);
    long first = write(c, 0, "k", "one");
    long second = write(c, 1, "k", "two");
    assertThat(second).isGreaterThan(first);
    assertThat(new String(read(c, 2, "k", Consistency.ALL).get().value(), StandardCharsets.UTF_8))
        .isEqualTo("two");
    long deleted = write(c, 2, "k", null);
    assertThat(deleted).isGreaterThan(second);
    assertThat(read(c, 0, "k", Consistency.QUORUM)).isEmpty();
  }

  @Test
  void aReplicaKnownDeadLeavesQuorumAvailableAndAllUnavailable() {
    MiniCluster c = servingCluster(3);
    c.down.add(2);
    c.nodes.get(2).knownDead = true;
    c.gossip();
    write(c, 0, "k", "v");
    CompletableFuture<Long> all =
        c.nodes.get(0).core.write(bytes("k"), bytes("w"), 0, Consistency.ALL, c.now);
    c.settle();
    assertThat(failure(all)).isInstanceOf(ReplicasUnavailableException.class);
    assertThat(c.nodes.get(0).sent).as("nothing attempted for ALL").isEqualTo(1);
    assertThat(read(c, 1, "k", Consistency.QUORUM)).isPresent();
  }

  @Test
  void aSilentReplicaMakesAWriteAtAllIndeterminateAfterTheTimeout() {
    MiniCluster c = servingCluster(3);
    c.down.add(2); // not known dead: gossip still says alive
    CompletableFuture<Long> all =
        c.nodes.get(0).core.write(bytes("k"), bytes("v"), 0, Consistency.ALL, c.now);
    c.settle();
    assertThat(all).isNotDone();
    c.advance(CONFIG.requestTimeoutNanos() + TimeUnit.MILLISECONDS.toNanos(100));
    Throwable error = failure(all);
    assertThat(error).isInstanceOf(RequestTimeoutException.class);
    assertThat(((RequestTimeoutException) error).write()).isTrue();
    assertThat(error.getMessage()).contains("may or may not");
    // It was applied on the two live replicas: indeterminate, not "not written".
    assertThat(holders(c, "k")).isEqualTo(2);
  }

  @Test
  void aReadAsksAnotherReplicaWhenOneIsSilentInsteadOfTimingOut() {
    MiniCluster c = servingCluster(3);
    write(c, 0, "k", "v");
    // Silence the replica the coordinator asks besides itself (replicas in ring order).
    NodeId asked =
        c.nodes.get(0).core.readRing().replicasForKey(bytes("k")).stream()
            .filter(id -> !id.equals(c.nodes.get(0).id))
            .findFirst()
            .orElseThrow();
    c.nodes.stream().filter(n -> n.id.equals(asked)).forEach(n -> c.down.add(n.index));
    CompletableFuture<Optional<StoredValue>> read =
        c.nodes.get(0).core.read(bytes("k"), Consistency.QUORUM, c.now);
    c.settle();
    assertThat(read).isNotDone();
    c.advance(CONFIG.requestTimeoutNanos() / 10 + TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(done(read)).isPresent();
    assertThat(c.nodes.get(0).core.counters().speculativeReads()).isEqualTo(1);
    assertThat(c.now).isLessThan(1_000_000_000L + CONFIG.requestTimeoutNanos());
  }

  @Test
  void aReadRepairsTheStaleReplicasItAsked() {
    MiniCluster c = servingCluster(3);
    write(c, 0, "k", "old");
    c.down.add(2);
    write(c, 0, "k", "new"); // node 2 misses it
    c.down.remove(2);
    MiniCluster.TreeStore stale = c.nodes.get(2).store;
    assertThat(new String(stale.records.get(bytes("k")).value(), StandardCharsets.UTF_8))
        .isEqualTo("old");
    assertThat(new String(read(c, 2, "k", Consistency.ALL).get().value(), StandardCharsets.UTF_8))
        .isEqualTo("new");
    c.settle();
    assertThat(new String(stale.records.get(bytes("k")).value(), StandardCharsets.UTF_8))
        .isEqualTo("new");
    assertThat(c.nodes.get(2).core.counters().readRepairs()).isEqualTo(1);
  }

  @Test
  void expiredValuesReadAsAbsent() {
    MiniCluster c = servingCluster(3);
    CompletableFuture<Long> w =
        c.nodes
            .get(0)
            .core
            .write(bytes("t"), bytes("v"), c.millis + 1_000, Consistency.QUORUM, c.now);
    c.settle();
    done(w);
    assertThat(read(c, 1, "t", Consistency.QUORUM)).isPresent();
    c.advance(TimeUnit.SECONDS.toNanos(2));
    assertThat(read(c, 1, "t", Consistency.QUORUM)).isEmpty();
  }

  @Test
  void aScanMergesEveryMembersKeysInOrderAcrossPages() {
    MiniCluster c = servingCluster(5);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 57; i++) {
      String key = String.format("key-%03d", i);
      expected.add(key);
      write(c, i % 5, key, "v" + i);
    }
    List<String> seen = new ArrayList<>();
    byte[] after = null;
    for (int pages = 0; pages < 100; pages++) {
      CompletableFuture<ScanPage> page =
          c.nodes.get(3).core.scan(after, 10, Consistency.ONE, c.now);
      c.settle();
      ScanPage result = done(page);
      result.keys().forEach(k -> seen.add(new String(k, StandardCharsets.UTF_8)));
      if (result.complete()) {
        break;
      }
      after = result.resumeAfter();
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void aNewPeerStreamsItsRangesBeforeServingAndTheDataStaysReadable() {
    MiniCluster c = servingCluster(3);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      keys.add("k" + i);
      write(c, i % 3, "k" + i, "v" + i);
    }
    MiniCluster.Node joiner = c.add(false);
    c.start();
    assertThat(joiner.published.state()).isEqualTo(RingMetadata.State.JOINING);
    // While it listens (and streams), writes reach it as a pending replica; reads ignore it, and
    // it coordinates nothing (its view of the ring may be partial).
    write(c, 0, "during", "join");
    CompletableFuture<Long> refused =
        joiner.core.write(bytes("x"), bytes("y"), 0, Consistency.QUORUM, c.now);
    assertThat(failure(refused)).isInstanceOf(org.ppdb.peer.api.OverloadedException.class);
    c.advance(CONFIG.bootstrapSettleNanos() + TimeUnit.SECONDS.toNanos(1));
    assertThat(joiner.published.state()).isEqualTo(RingMetadata.State.NORMAL);
    assertThat(joiner.joined).isTrue();
    assertThat(joiner.core.bootstrapRecords()).isPositive();
    assertThat(joiner.progress).anyMatch(line -> line.startsWith("bootstrap: done"));
    keys.add("during");
    for (String key : keys) {
      for (int coordinator = 0; coordinator < 4; coordinator++) {
        assertThat(read(c, coordinator, key, Consistency.QUORUM))
            .as("%s from coordinator %d", key, coordinator)
            .isPresent();
      }
      // The joiner holds every key it now replicates.
      boolean replica = joiner.core.readRing().replicasForKey(bytes(key)).contains(joiner.id);
      if (replica) {
        assertThat(joiner.store.records).as(key).containsKey(bytes(key));
      }
    }
  }

  @Test
  void aFirstPeerFoundsTheRingAfterListening() {
    MiniCluster c = new MiniCluster(CONFIG);
    MiniCluster.Node first = c.add(false);
    c.start();
    CompletableFuture<Long> early =
        first.core.write(bytes("k"), bytes("v"), 0, Consistency.ONE, c.now);
    assertThat(failure(early))
        .isInstanceOf(org.ppdb.peer.api.OverloadedException.class)
        .hasMessageContaining("joining");
    c.advance(CONFIG.bootstrapSettleNanos() + TimeUnit.MILLISECONDS.toNanos(200));
    assertThat(first.core.state()).isEqualTo(RingMetadata.State.NORMAL);
    write(c, 0, "k", "v");
    assertThat(read(c, 0, "k", Consistency.QUORUM)).isPresent();
  }

  @Test
  void theLocalPlacementFollowsStateJoinsAndTheGraceOfAMovedRange() {
    MiniCluster c = new MiniCluster(CONFIG);
    MiniCluster.Node first = c.add(false);
    c.start();
    byte[] key = bytes("k");
    assertThat(first.core.localPlacement().writesLocally(key)).as("joining").isFalse();
    assertThat(first.core.localPlacement().readsLocally(key, Consistency.ONE)).isFalse();
    c.advance(CONFIG.bootstrapSettleNanos() + TimeUnit.MILLISECONDS.toNanos(200));
    assertThat(first.core.localPlacement().writesLocally(key))
        .as("the only member of the ring")
        .isTrue();
    assertThat(first.core.localPlacement().readsLocally(key, Consistency.ALL)).isTrue();

    MiniCluster.Node joiner = c.add(false);
    c.start();
    c.gossip();
    assertThat(first.core.localPlacement().writesLocally(key))
        .as("a joining member is a pending replica of every write")
        .isFalse();
    assertThat(first.core.localPlacement().readsLocally(key, Consistency.QUORUM))
        .as("reads ignore joining members")
        .isTrue();
    c.advance(CONFIG.bootstrapSettleNanos() + TimeUnit.SECONDS.toNanos(1));
    assertThat(joiner.core.state()).isEqualTo(RingMetadata.State.NORMAL);
    // Two serving members of N = 3: every key on both; ONE is answered by either itself.
    assertThat(first.core.localPlacement().writesLocally(key)).isFalse();
    assertThat(first.core.localPlacement().readsLocally(key, Consistency.ONE)).isTrue();
    assertThat(first.core.localPlacement().readsLocally(key, Consistency.QUORUM)).isFalse();
  }

  @Test
  void aReadWithTheLocalAnswerTakenAheadAsksOnlyTheOtherReplicasAndRepairsItsOwn() {
    MiniCluster c = servingCluster(3); // N = 3: every node replicates every key
    write(c, 0, "k", "old");
    ReplicaRecord old = c.nodes.get(2).store.records.get(bytes("k"));
    write(c, 0, "k", "new");
    int repliesBefore = c.nodes.get(2).store.reads;
    // Node 2's answer taken ahead is the old record (as if read before the new write landed).
    CompletableFuture<Optional<StoredValue>> read =
        c.nodes
            .get(2)
            .core
            .read(bytes("k"), Consistency.QUORUM, c.now, new ReplicationCore.LocalAnswer(old));
    c.settle();
    assertThat(new String(done(read).get().value(), StandardCharsets.UTF_8)).isEqualTo("new");
    assertThat(c.nodes.get(2).store.reads)
        .as("its own store was not asked again")
        .isEqualTo(repliesBefore);
    assertThat(c.nodes.get(2).core.counters().readRepairs())
        .as("the stale answer taken ahead is repaired like any replica's")
        .isEqualTo(1);
    CompletableFuture<Optional<StoredValue>> absent =
        c.nodes
            .get(1)
            .core
            .read(bytes("nothing"), Consistency.ALL, c.now, new ReplicationCore.LocalAnswer(null));
    c.settle();
    assertThat(done(absent)).isEmpty();
  }

  @Test
  void aWriteAppliedAheadByTheCoordinatorsReplicaGoesOnlyToTheOthers() {
    MiniCluster c = servingCluster(3); // N = 3: every node replicates every key
    MiniCluster.Node coordinator = c.nodes.get(1);
    ReplicaRecord record =
        new ReplicaRecord(bytes("k"), bytes("v"), coordinator.core.clock().now(), 0);
    coordinator.store.apply(record);
    CompletableFuture<Long> write =
        coordinator.core.write(
            new ReplicationCore.WrittenAhead(record, record.version(), null),
            Consistency.QUORUM,
            c.now);
    c.settle();
    assertThat(done(write)).isEqualTo(record.version());
    assertThat(coordinator.store.writes).as("its own store was not asked again").isZero();
    assertThat(holders(c, "k")).isEqualTo(3);
    assertThat(new String(read(c, 0, "k", Consistency.ALL).get().value(), StandardCharsets.UTF_8))
        .isEqualTo("v");

    // This replica held a newer version (a peer whose clock ran ahead wrote it): the write is
    // stamped above it and sent to every replica, this one included.
    long future = record.version() + (10_000L << 20);
    ReplicaRecord newer = new ReplicaRecord(bytes("j"), bytes("from the future"), future, 0);
    coordinator.store.apply(newer);
    ReplicaRecord late =
        new ReplicaRecord(bytes("j"), bytes("now"), coordinator.core.clock().now(), 0);
    CompletableFuture<Long> restamped =
        coordinator.core.write(
            new ReplicationCore.WrittenAhead(late, future, null), Consistency.QUORUM, c.now);
    c.settle();
    assertThat(done(restamped)).isGreaterThan(future);
    assertThat(coordinator.store.writes).as("the second attempt asks it like any replica").isOne();
    assertThat(new String(read(c, 2, "j", Consistency.ALL).get().value(), StandardCharsets.UTF_8))
        .isEqualTo("now");

    // This replica's engine failed: the write still needs a quorum of the others.
    ReplicaRecord failed =
        new ReplicaRecord(bytes("f"), bytes("v"), coordinator.core.clock().now(), 0);
    c.down.add(2);
    CompletableFuture<Long> alone =
        coordinator.core.write(
            new ReplicationCore.WrittenAhead(failed, 0, "IOException: disk full"),
            Consistency.QUORUM,
            c.now);
    c.settle();
    c.advance(TimeUnit.SECONDS.toNanos(10));
    assertThat(failure(alone))
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("1 of 2");
  }

  private static CompletableFuture<Long> versioned(
      MiniCluster c, int coordinator, String key, String value, long version) {
    CompletableFuture<Long> write =
        c.nodes
            .get(coordinator)
            .core
            .write(bytes(key), bytes(value), 0, version, Consistency.QUORUM, c.now);
    c.settle();
    return write;
  }

  @Test
  void aWriteKeepsItsClientsVersionUnlessAReplicaHoldsANewerOneAndFarFutureVersionsAreRefused() {
    MiniCluster c = servingCluster(3);
    MiniCluster.Node coordinator = c.nodes.get(0);
    // A client whose clock runs 3 s ahead of the peers': its version is the write's.
    long ahead = new org.ppdb.peer.clock.HybridClock(() -> c.millis + 3_000, 5, 1_000).now();
    assertThat(done(versioned(c, 0, "k", "client", ahead))).isEqualTo(ahead);
    Optional<StoredValue> read = read(c, 1, "k", Consistency.ALL);
    assertThat(read.get().version()).isEqualTo(ahead);
    assertThat(coordinator.core.clock().now())
        .as("the coordinator's clock moved past it")
        .isGreaterThan(ahead);

    // A client version below the one the replicas hold: stamped anew above it, and it wins.
    long behind = new org.ppdb.peer.clock.HybridClock(() -> c.millis - 60_000, 5, 1_000).now();
    long restamped = done(versioned(c, 1, "k", "later", behind));
    assertThat(restamped).isGreaterThan(ahead);
    assertThat(new String(read(c, 2, "k", Consistency.ALL).get().value(), StandardCharsets.UTF_8))
        .isEqualTo("later");

    // Too far ahead (or not a version): refused before anything is sent.
    int sent = coordinator.sent;
    long farAhead =
        new org.ppdb.peer.clock.HybridClock(
                () -> c.millis + org.ppdb.peer.clock.HybridClock.CLIENT_AHEAD_MAX_MILLIS + 1_000,
                5,
                1_000)
            .now();
    assertThat(failure(versioned(c, 0, "k", "poison", farAhead)))
        .isInstanceOf(org.ppdb.peer.api.VersionRejectedException.class)
        .hasMessageContaining("ahead of this peer's clock");
    assertThat(failure(versioned(c, 0, "k", "poison", -1)))
        .isInstanceOf(org.ppdb.peer.api.VersionRejectedException.class)
        .hasMessageContaining("not a version");
    assertThat(coordinator.sent).isEqualTo(sent);
    assertThat(coordinator.core.counters().versionsRejected()).isEqualTo(2);
    assertThat(new String(read(c, 0, "k", Consistency.ALL).get().value(), StandardCharsets.UTF_8))
        .isEqualTo("later");
  }

  @Test
  void thePlacementAllowsWritesAheadOnlyWhileEveryReplicaIsReachable() {
    MiniCluster c = servingCluster(3); // N = 3: every node replicates every key
    LocalPlacement before = c.nodes.get(0).core.localPlacement();
    assertThat(before.writesAhead(bytes("k"))).isTrue();
    c.down.add(2);
    c.nodes.get(2).knownDead = true;
    c.gossip();
    LocalPlacement after = c.nodes.get(0).core.localPlacement();
    assertThat(after.isReplica(bytes("k"))).isTrue();
    assertThat(after.writesAhead(bytes("k"))).as("a replica of the key is dead").isFalse();
    c.down.remove(2);
    c.nodes.get(2).knownDead = false;
    c.gossip();
    assertThat(c.nodes.get(0).core.localPlacement().writesAhead(bytes("k"))).isTrue();
  }
}
