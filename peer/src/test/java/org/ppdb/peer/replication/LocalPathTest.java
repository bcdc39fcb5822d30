package org.ppdb.peer.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.RequestTimeoutException;
import org.ppdb.peer.api.StoredValue;
import org.ppdb.peer.clock.HybridClock;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.ring.KeyHash;
import org.ppdb.peer.ring.TokenRing;
import org.ppdb.storage.Record;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.memory.MemoryStorage;

class LocalPathTest {
  private static final NodeId SELF = node(1);
  private static final long NOW_MILLIS = 1_800_000_000_000L;

  private final StorageEngine memory = MemoryStorage.open();
  private final AtomicInteger engineWrites = new AtomicInteger();
  private Runnable duringEngineWrite = () -> {};
  private final StorageEngine engine = countingWrites(memory);
  private final EngineReplicaStore store =
      new EngineReplicaStore(engine, Runnable::run, Runnable::run, () -> NOW_MILLIS);
  private final HybridClock clock = new HybridClock(() -> NOW_MILLIS, 7, 1_000);
  private final AtomicReference<LocalPlacement> placement =
      new AtomicReference<>(placement(List.of(SELF), 1, true, true));
  private final ArrayDeque<Runnable> loopTasks = new ArrayDeque<>();
  private final Executor loop = loopTasks::add;
  private Executor currentLoop; // null: the caller is not on an event loop
  private final List<String> coordinated = new ArrayList<>();
  private final LocalPath.Coordinator coordinator =
      (key, value, expiresAtMillis, version, consistency) -> {
        coordinated.add(new String(key, StandardCharsets.UTF_8));
        return CompletableFuture.completedFuture(42L);
      };

  private LocalPath path(boolean inlineWrites) {
    return new LocalPath(
        placement::get, clock, store, () -> NOW_MILLIS, inlineWrites, () -> currentLoop);
  }

  private static NodeId node(int n) {
    byte[] id = new byte[20];
    id[0] = (byte) n;
    return NodeId.of(id);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static LocalPlacement placement(
      List<NodeId> members, int replicationFactor, boolean serving, boolean noPending) {
    Map<NodeId, long[]> tokens = new TreeMap<>();
    for (NodeId member : members) {
      tokens.put(member, KeyHash.tokensFor(member.toBytes(), 8));
    }
    return new LocalPlacement(SELF, TokenRing.of(tokens, replicationFactor), serving, noPending);
  }

  /** The memory engine, counting write(batch) calls and running a hook inside each. */
  private StorageEngine countingWrites(StorageEngine target) {
    return (StorageEngine)
        Proxy.newProxyInstance(
            StorageEngine.class.getClassLoader(),
            new Class<?>[] {StorageEngine.class},
            (proxy, method, args) -> {
              if (method.getName().equals("write") || method.getName().equals("put")) {
                engineWrites.incrementAndGet();
                duringEngineWrite.run();
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private void runLoop() {
    while (!loopTasks.isEmpty()) {
      loopTasks.poll().run();
    }
  }

  @Test
  void theOnlyReplicaWritesAndReadsOnTheCallersThread() {
    LocalPath path = path(true);
    CompletableFuture<Long> write = path.tryWrite(b("k"), b("v"), 0, 0, Consistency.QUORUM, null);
    assertThat(write).isCompleted();
    long version = write.join();
    Record stored = memory.getRecord(b("k"));
    assertThat(stored.value()).isEqualTo(b("v"));
    assertThat(stored.version()).isEqualTo(version);

    Optional<StoredValue> read = path.tryRead(b("k"), Consistency.ALL).join();
    assertThat(read).isPresent();
    assertThat(read.get().value()).isEqualTo(b("v"));
    assertThat(read.get().version()).isEqualTo(version);

    CompletableFuture<Long> delete = path.tryWrite(b("k"), null, 0, 0, Consistency.QUORUM, null);
    assertThat(delete.join()).isGreaterThan(version);
    assertThat(path.tryRead(b("k"), Consistency.QUORUM).join()).isEmpty();
    assertThat(path.writes()).isEqualTo(2);
    assertThat(path.reads()).isEqualTo(2);
  }

  @Test
  void expiredValuesReadAsAbsent() {
    LocalPath path = path(true);
    path.tryWrite(b("gone"), b("v"), NOW_MILLIS - 1, 0, Consistency.ONE, null).join();
    path.tryWrite(b("kept"), b("v"), NOW_MILLIS + 60_000, 0, Consistency.ONE, null).join();
    assertThat(path.tryRead(b("gone"), Consistency.ONE).join()).isEmpty();
    assertThat(path.tryRead(b("kept"), Consistency.ONE).join().get().expiresAtMillis())
        .isEqualTo(NOW_MILLIS + 60_000);
  }

  @Test
  void writesOfOneEventLoopRoundGoToTheEngineAsOneBatch() {
    currentLoop = loop;
    LocalPath path = path(true);
    List<CompletableFuture<Long>> writes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      writes.add(path.tryWrite(b("k" + i), b("v" + i), 0, 0, Consistency.QUORUM, null));
    }
    // The same key twice in one round: the later write wins, and neither is stamped anew.
    writes.add(path.tryWrite(b("k0"), b("later"), 0, 0, Consistency.QUORUM, null));
    assertThat(writes).noneMatch(CompletableFuture::isDone);
    assertThat(loopTasks).as("one commit task per round").hasSize(1);
    assertThat(engineWrites).hasValue(0);

    runLoop();
    assertThat(writes).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(engineWrites).as("one engine batch").hasValue(1);
    for (int i = 1; i < writes.size(); i++) {
      assertThat(writes.get(i).join()).isGreaterThan(writes.get(i - 1).join());
    }
    assertThat(memory.get(b("k0"))).isEqualTo(b("later"));
    assertThat(memory.get(b("k4"))).isEqualTo(b("v4"));
    assertThat(path.restamped()).isZero();
    assertThat(path.writes()).isEqualTo(6);
  }

  @Test
  void aRoundIsCutAtTheGroupLimit() {
    currentLoop = loop;
    LocalPath path = path(true);
    List<CompletableFuture<Long>> writes = new ArrayList<>();
    for (int i = 0; i < LocalPath.GROUP_MAX + 3; i++) {
      writes.add(path.tryWrite(b("k" + i), b("v"), 0, 0, Consistency.ONE, null));
    }
    assertThat(writes.subList(0, LocalPath.GROUP_MAX)).allMatch(CompletableFuture::isDone);
    assertThat(writes.subList(LocalPath.GROUP_MAX, writes.size()))
        .noneMatch(CompletableFuture::isDone);
    runLoop();
    assertThat(writes).allMatch(CompletableFuture::isDone);
    assertThat(engineWrites).hasValue(2);
  }

  @Test
  void aWriteIsStampedAboveANewerStoredVersion() {
    LocalPath path = path(true);
    long ahead = clock.now() + (10_000L << 20); // written by a peer whose clock ran 10 s ahead
    memory.put(b("k"), b("from the future"), ahead);
    long version = path.tryWrite(b("k"), b("now"), 0, 0, Consistency.QUORUM, null).join();
    assertThat(version).isGreaterThan(ahead);
    assertThat(memory.get(b("k"))).isEqualTo(b("now"));
    assertThat(path.restamped()).isEqualTo(1);
  }

  @Test
  void aPlacementChangeDuringTheWriteHandsItToTheCoordinator() {
    LocalPath path = path(true);
    // A member starts joining while the engine applies the write: the joiner may have taken its
    // stream snapshot already, so the coordinator must send the write to it too.
    duringEngineWrite =
        () -> placement.set(placement(List.of(SELF, node(2)), 1, true, /* noPending */ false));
    CompletableFuture<Long> write =
        path.tryWrite(b("k"), b("v"), 0, 0, Consistency.QUORUM, coordinator);
    assertThat(write.join()).isEqualTo(42L);
    assertThat(coordinated).containsExactly("k");
    assertThat(path.fallbacks()).isEqualTo(1);
    assertThat(path.writes()).isZero();
  }

  @Test
  void aPlacementChangeBeforeTheRoundCommitsHandsTheWritesToTheCoordinator() {
    currentLoop = loop;
    LocalPath path = path(true);
    CompletableFuture<Long> write =
        path.tryWrite(b("k"), b("v"), 0, 0, Consistency.ONE, coordinator);
    placement.set(placement(List.of(SELF), 1, true, false));
    runLoop();
    assertThat(write.join()).isEqualTo(42L);
    assertThat(engineWrites).hasValue(0);
    assertThat(memory.get(b("k"))).isNull();
  }

  @Test
  void requestsThatNeedOtherReplicasAreNotTaken() {
    LocalPath path = path(true);
    placement.set(placement(List.of(SELF, node(2), node(3)), 3, true, true));
    assertThat(path.tryWrite(b("k"), b("v"), 0, 0, Consistency.ONE, coordinator)).isNull();
    assertThat(path.tryRead(b("k"), Consistency.QUORUM)).isNull();
    assertThat(path.tryRead(b("k"), Consistency.ONE))
        .as("a replica answers ONE itself")
        .isNotNull();

    placement.set(placement(List.of(SELF), 1, false, true));
    assertThat(path.tryWrite(b("k"), b("v"), 0, 0, Consistency.ONE, coordinator))
        .as("joining")
        .isNull();
    assertThat(path.tryRead(b("k"), Consistency.ONE)).isNull();

    placement.set(placement(List.of(SELF), 1, true, false));
    assertThat(path.tryWrite(b("k"), b("v"), 0, 0, Consistency.ONE, coordinator))
        .as("a pending replica")
        .isNull();
    assertThat(path.tryRead(b("k"), Consistency.QUORUM)).isNotNull();

    placement.set(null);
    assertThat(path.tryRead(b("k"), Consistency.ONE)).as("starting").isNull();
    assertThat(path(false).tryWrite(b("k"), b("v"), 0, 0, Consistency.ONE, coordinator))
        .as("log synced per write")
        .isNull();
    assertThat(engineWrites).hasValue(0);
  }

  @Test
  void withNEqualOneOnlyTheKeysThisPeerOwnsAreLocal() {
    LocalPath path = path(true);
    placement.set(placement(List.of(SELF, node(2), node(3)), 1, true, true));
    TokenRing<NodeId> ring = placementRing(List.of(SELF, node(2), node(3)));
    int local = 0;
    for (int i = 0; i < 200; i++) {
      byte[] key = b("key" + i);
      boolean mine = ring.replicasForKey(key).get(0).equals(SELF);
      CompletableFuture<Long> write =
          path.tryWrite(key, b("v"), 0, 0, Consistency.ALL, coordinator);
      assertThat(write != null).as("key%d local", i).isEqualTo(mine);
      local += mine ? 1 : 0;
    }
    assertThat(local).isBetween(1, 199);
  }

  private static TokenRing<NodeId> placementRing(List<NodeId> members) {
    Map<NodeId, long[]> tokens = new TreeMap<>();
    for (NodeId member : members) {
      tokens.put(member, KeyHash.tokensFor(member.toBytes(), 8));
    }
    return TokenRing.of(tokens, 1);
  }

  @Test
  void anEngineFailureIsIndeterminateForWritesAndAFailureForReads() {
    LocalPath path = path(true);
    memory.close();
    Throwable write =
        Futures.failure(path.tryWrite(b("k"), b("v"), 0, 0, Consistency.QUORUM, null));
    assertThat(write).isInstanceOf(RequestTimeoutException.class);
    assertThat(((RequestTimeoutException) write).write()).isTrue();
    assertThat(write.getMessage()).contains("1 replicas failed");
    Throwable read = Futures.failure(path.tryRead(b("k"), Consistency.QUORUM));
    assertThat(read).isInstanceOf(RequestTimeoutException.class);
    assertThat(path.writesIndeterminate()).isEqualTo(1);
    assertThat(path.readsFailed()).isEqualTo(1);
  }

  @Test
  void aReplicaReadsAheadOfTheCoordinatorAndANonReplicaDoesNot() {
    LocalPath path = path(true);
    memory.put(b("k"), b("v"), 5);
    placement.set(placement(List.of(SELF, node(2), node(3)), 3, true, true));
    ReplicationCore.LocalAnswer answer = path.readAhead(b("k"));
    assertThat(answer.record().value()).isEqualTo(b("v"));
    assertThat(path.readAhead(b("absent")).record()).isNull();

    placement.set(placement(List.of(SELF, node(2), node(3)), 1, true, true));
    TokenRing<NodeId> ring = placementRing(List.of(SELF, node(2), node(3)));
    for (int i = 0; i < 50; i++) {
      byte[] key = b("key" + i);
      boolean mine = ring.replicasForKey(key).contains(SELF);
      assertThat(path.readAhead(key) != null).as("key%d", i).isEqualTo(mine);
    }
    placement.set(placement(List.of(SELF), 1, false, true));
    assertThat(path.readAhead(b("k"))).as("joining").isNull();
  }

  @Test
  void aRefusalAfterTheLocalWriteIsIndeterminateButBeforeItIsDefinite() {
    LocalPath path = path(true);
    LocalPath.Coordinator refusing =
        (key, value, expiresAtMillis, version, consistency) ->
            CompletableFuture.failedFuture(
                new org.ppdb.peer.api.ReplicasUnavailableException(consistency, 2, 1));
    duringEngineWrite =
        () -> placement.set(placement(List.of(SELF, node(2)), 1, true, /* noPending */ false));
    Throwable afterWrite =
        Futures.failure(path.tryWrite(b("k"), b("v"), 0, 0, Consistency.QUORUM, refusing));
    assertThat(afterWrite)
        .as("this peer's store holds it: the outcome is unknown")
        .isInstanceOf(RequestTimeoutException.class);
    assertThat(memory.get(b("k"))).isEqualTo(b("v"));

    duringEngineWrite = () -> {};
    currentLoop = loop;
    placement.set(placement(List.of(SELF), 1, true, true));
    CompletableFuture<Long> beforeWrite =
        path.tryWrite(b("j"), b("v"), 0, 0, Consistency.QUORUM, refusing);
    placement.set(placement(List.of(SELF), 1, true, false));
    runLoop();
    assertThat(Futures.failure(beforeWrite))
        .as("nothing was written: the refusal stays definite")
        .isInstanceOf(org.ppdb.peer.api.ReplicasUnavailableException.class);
    assertThat(memory.get(b("j"))).isNull();
  }

  /** A coordinator that records what it was handed ahead and answers with {@code answer}. */
  private final List<ReplicationCore.WrittenAhead> handedAhead = new ArrayList<>();

  private LocalPath.AheadCoordinator aheadAnswering(CompletableFuture<Long> answer) {
    return (written, consistency) -> {
      handedAhead.add(written);
      return answer;
    };
  }

  @Test
  void aReplicaWritesAheadOfTheCoordinatorInOneBatchPerRound() {
    currentLoop = loop;
    LocalPath path = path(true);
    placement.set(placement(List.of(SELF, node(2), node(3)), 3, true, true));
    CompletableFuture<Long> answer = new CompletableFuture<>();
    LocalPath.AheadCoordinator ahead = aheadAnswering(answer);
    CompletableFuture<Long> first =
        path.writeAhead(b("k"), b("v1"), 0, 0, Consistency.QUORUM, coordinator, ahead);
    CompletableFuture<Long> second =
        path.writeAhead(b("k"), b("v2"), 0, 0, Consistency.QUORUM, coordinator, ahead);
    CompletableFuture<Long> delete =
        path.writeAhead(b("gone"), null, 0, 0, Consistency.QUORUM, coordinator, ahead);
    assertThat(handedAhead).as("nothing before the round ends").isEmpty();
    runLoop();

    assertThat(engineWrites).as("one engine batch").hasValue(1);
    assertThat(handedAhead).hasSize(3);
    ReplicationCore.WrittenAhead v1 = handedAhead.get(0);
    ReplicationCore.WrittenAhead v2 = handedAhead.get(1);
    assertThat(v2.record().version()).isGreaterThan(v1.record().version());
    assertThat(v1.held())
        .as("lost to a later write of the same batch: not superseded")
        .isEqualTo(v1.record().version());
    assertThat(v2.held()).isEqualTo(v2.record().version());
    assertThat(handedAhead.get(2).record().tombstone()).isTrue();
    Record stored = memory.getRecord(b("k"));
    assertThat(stored.value()).isEqualTo(b("v2"));
    assertThat(stored.version()).isEqualTo(v2.record().version());
    assertThat(coordinated).as("nothing went the plain way").isEmpty();
    assertThat(path.writesAhead()).isEqualTo(3);

    assertThat(List.of(first, second, delete)).noneMatch(CompletableFuture::isDone);
    answer.complete(7L);
    assertThat(first.join()).as("the coordinator's answer").isEqualTo(7L);
  }

  @Test
  void aStoredNewerVersionIsHandedOnAsSupersededAndANonReplicaIsNotTaken() {
    LocalPath path = path(true);
    placement.set(placement(List.of(SELF, node(2), node(3)), 3, true, true));
    long future = clock.now() + (10_000L << 20);
    memory.put(b("k"), b("from the future"), future);
    LocalPath.AheadCoordinator ahead = aheadAnswering(CompletableFuture.completedFuture(1L));
    path.writeAhead(b("k"), b("now"), 0, 0, Consistency.QUORUM, coordinator, ahead).join();
    assertThat(handedAhead.get(0).held()).isEqualTo(future);
    assertThat(handedAhead.get(0).record().version()).isLessThan(future);

    placement.set(placement(List.of(SELF, node(2), node(3)), 1, true, true));
    TokenRing<NodeId> ring = placementRing(List.of(SELF, node(2), node(3)));
    for (int i = 0; i < 50; i++) {
      byte[] key = b("key" + i);
      boolean mine = ring.replicasForKey(key).contains(SELF);
      assertThat(path.writeAhead(key, b("v"), 0, 0, Consistency.QUORUM, coordinator, ahead) != null)
          .as("key%d", i)
          .isEqualTo(mine);
    }
    placement.set(placement(List.of(SELF, node(2)), 2, false, true));
    assertThat(path.writeAhead(b("k"), b("v"), 0, 0, Consistency.ONE, coordinator, ahead))
        .as("joining")
        .isNull();
    placement.set(placement(List.of(SELF, node(2)), 2, true, true));
    assertThat(path(false).writeAhead(b("k"), b("v"), 0, 0, Consistency.ONE, coordinator, ahead))
        .as("log synced per write")
        .isNull();
  }

  @Test
  void noWriteIsTakenAheadWhileAReplicaOfItsKeyOrAMemberOfAChangingRingIsUnreachable() {
    LocalPath path = path(true);
    LocalPath.AheadCoordinator ahead = aheadAnswering(CompletableFuture.completedFuture(1L));
    List<NodeId> members = List.of(SELF, node(2), node(3), node(4));
    Map<NodeId, long[]> tokens = new TreeMap<>();
    for (NodeId member : members) {
      tokens.put(member, KeyHash.tokensFor(member.toBytes(), 8));
    }
    TokenRing<NodeId> ring = TokenRing.of(tokens, 3);
    placement.set(new LocalPlacement(SELF, ring, true, true, java.util.Set.of(node(4))));
    int taken = 0;
    int refused = 0;
    for (int i = 0; i < 100; i++) {
      byte[] key = b("key" + i);
      List<NodeId> replicas = ring.replicasForKey(key);
      boolean expected = replicas.contains(SELF) && !replicas.contains(node(4));
      CompletableFuture<Long> write =
          path.writeAhead(key, b("v"), 0, 0, Consistency.QUORUM, coordinator, ahead);
      assertThat(write != null).as("key%d, replicas %s", i, replicas).isEqualTo(expected);
      taken += expected ? 1 : 0;
      refused += replicas.contains(SELF) && !expected ? 1 : 0;
    }
    assertThat(taken).as("keys whose replicas are all reachable").isPositive();
    assertThat(refused).as("keys of this peer with the unreachable replica").isPositive();
    assertThat(handedAhead).as("each taken write applied and handed on").hasSize(taken);
    assertThat(coordinated).as("nothing else went anywhere").isEmpty();

    // While the ring changes, the coordinator also writes to replicas this placement does not
    // name: no write goes ahead unless every member is reachable.
    placement.set(new LocalPlacement(SELF, ring, true, /* noPending */ false, java.util.Set.of()));
    assertThat(path.writeAhead(b("key0"), b("v"), 0, 0, Consistency.ONE, coordinator, ahead))
        .as("ring changing, every member reachable")
        .isNotNull();
    placement.set(
        new LocalPlacement(SELF, ring, true, /* noPending */ false, java.util.Set.of(node(9))));
    for (int i = 0; i < 100; i++) {
      assertThat(
              path.writeAhead(b("key" + i), b("v"), 0, 0, Consistency.QUORUM, coordinator, ahead))
          .as("ring changing, a joining member unreachable")
          .isNull();
    }
  }

  @Test
  void aRefusalAfterTheWriteAheadIsIndeterminateAndAMovedKeyGoesThePlainWay() {
    currentLoop = loop;
    LocalPath path = path(true);
    placement.set(placement(List.of(SELF, node(2)), 2, true, true));
    LocalPath.AheadCoordinator refusing =
        aheadAnswering(
            CompletableFuture.failedFuture(
                new org.ppdb.peer.api.ReplicasUnavailableException(Consistency.ALL, 2, 1)));
    CompletableFuture<Long> refused =
        path.writeAhead(b("k"), b("v"), 0, 0, Consistency.ALL, coordinator, refusing);
    runLoop();
    assertThat(Futures.failure(refused))
        .as("this peer's store holds it: the outcome is unknown")
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("replica took it")
        .hasMessageContaining("not enough replicas");
    assertThat(memory.get(b("k"))).isEqualTo(b("v"));
    assertThat(path.writesIndeterminate()).isEqualTo(1);

    // The key stops being this peer's before the round commits: nothing is applied here.
    CompletableFuture<Long> moved =
        path.writeAhead(b("j"), b("v"), 0, 0, Consistency.ALL, coordinator, refusing);
    placement.set(placement(List.of(SELF, node(2)), 2, false, true));
    runLoop();
    assertThat(moved.join()).isEqualTo(42L);
    assertThat(coordinated).containsExactly("j");
    assertThat(memory.get(b("j"))).isNull();
  }

  @Test
  void anEngineFailureAheadIsHandedToTheCoordinatorAsThisReplicasError() {
    LocalPath path = path(true);
    placement.set(placement(List.of(SELF, node(2), node(3)), 3, true, true));
    memory.close();
    LocalPath.AheadCoordinator refusing =
        aheadAnswering(
            CompletableFuture.failedFuture(
                new org.ppdb.peer.api.ReplicasUnavailableException(Consistency.QUORUM, 2, 1)));
    Throwable failure =
        Futures.failure(
            path.writeAhead(b("k"), b("v"), 0, 0, Consistency.QUORUM, coordinator, refusing));
    assertThat(handedAhead.get(0).error()).isNotNull();
    assertThat(failure)
        .as("nothing was applied: the refusal stays definite")
        .isInstanceOf(org.ppdb.peer.api.ReplicasUnavailableException.class);
  }

  @Test
  void aClientsVersionStampsTheWriteOnBothPathsAndOneTooFarAheadGoesToTheCoordinator() {
    LocalPath path = path(true);
    long client = new org.ppdb.peer.clock.HybridClock(() -> NOW_MILLIS - 5_000, 3, 1_000).now();
    assertThat(path.tryWrite(b("k"), b("v"), 0, client, Consistency.QUORUM, null).join())
        .isEqualTo(client);
    assertThat(memory.getRecord(b("k")).version()).isEqualTo(client);

    // A stored version above the client's: stamped anew above it by the peer's clock.
    long newer = path.tryWrite(b("k"), b("newer"), 0, 0, Consistency.QUORUM, null).join();
    long stale = new org.ppdb.peer.clock.HybridClock(() -> NOW_MILLIS - 9_000, 3, 1_000).now();
    long written = path.tryWrite(b("k"), b("last"), 0, stale, Consistency.QUORUM, null).join();
    assertThat(written).isGreaterThan(newer);
    assertThat(memory.getRecord(b("k")).value()).isEqualTo(b("last"));
    assertThat(path.restamped()).isEqualTo(1);

    long farAhead =
        new org.ppdb.peer.clock.HybridClock(
                () -> NOW_MILLIS + org.ppdb.peer.clock.HybridClock.CLIENT_AHEAD_MAX_MILLIS + 1,
                3,
                1_000)
            .now();
    assertThat(path.tryWrite(b("k"), b("v"), 0, farAhead, Consistency.QUORUM, coordinator))
        .as("the coordinator refuses it")
        .isNull();

    currentLoop = loop;
    placement.set(placement(List.of(SELF, node(2), node(3)), 3, true, true));
    CompletableFuture<Long> answer = new CompletableFuture<>();
    long aheadVersion = new org.ppdb.peer.clock.HybridClock(() -> NOW_MILLIS, 4, 1_000).now();
    path.writeAhead(
        b("a"), b("v"), 0, aheadVersion, Consistency.QUORUM, coordinator, aheadAnswering(answer));
    runLoop();
    assertThat(handedAhead).hasSize(1);
    assertThat(handedAhead.get(0).record().version()).isEqualTo(aheadVersion);
    assertThat(memory.getRecord(b("a")).version()).isEqualTo(aheadVersion);
    assertThat(
            path.writeAhead(
                b("a"),
                b("v"),
                0,
                farAhead,
                Consistency.QUORUM,
                coordinator,
                aheadAnswering(answer)))
        .isNull();
  }
}
