package org.ppdb.peer.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.clock.HybridClock;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.memory.MemoryStorage;

class ReplicaPathTest {
  private static final InetSocketAddress COORDINATOR = new InetSocketAddress("127.0.0.1", 7001);
  private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.1", 7002);
  private static final long NOW_MILLIS = 1_800_000_000_000L;

  private final StorageEngine engine = MemoryStorage.open();
  private final EngineReplicaStore store =
      new EngineReplicaStore(engine, Runnable::run, Runnable::run, () -> NOW_MILLIS);
  private final HybridClock clock = new HybridClock(() -> NOW_MILLIS, 3, 1_000);
  private final List<Object[]> sent = new ArrayList<>();
  private final ArrayDeque<Runnable> loopTasks = new ArrayDeque<>();
  private final Executor loop = loopTasks::add;

  private ReplicaPath path(boolean inlineWrites, Executor currentLoop) {
    return new ReplicaPath(
        clock,
        store,
        (to, message) -> sent.add(new Object[] {to, message}),
        inlineWrites,
        () -> currentLoop);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private DataMessage.Ack ackTo(InetSocketAddress to, long requestId) {
    for (Object[] s : sent) {
      if (s[0].equals(to) && s[1] instanceof DataMessage.Ack ack && ack.requestId() == requestId) {
        return ack;
      }
    }
    throw new AssertionError("no ack " + requestId + " to " + to + " among " + sent.size());
  }

  @Test
  void oneRoundOfMutatesIsOneBatchAndEachIsAcknowledgedToItsSender() {
    ReplicaPath path = path(true, loop);
    long v = clock.now();
    engine.put(b("newer"), b("held"), v + 1_000_000);
    assertThat(
            path.tryServe(
                COORDINATOR, new DataMessage.Mutate(1, new ReplicaRecord(b("a"), b("1"), v, 0))))
        .isTrue();
    assertThat(
            path.tryServe(
                OTHER, new DataMessage.Mutate(2, new ReplicaRecord(b("newer"), b("2"), v, 0))))
        .isTrue();
    assertThat(
            path.tryServe(
                OTHER, new DataMessage.Mutate(0, new ReplicaRecord(b("repaired"), b("3"), v, 0))))
        .as("a read repair")
        .isTrue();
    assertThat(sent).as("nothing before the loop's round ends").isEmpty();
    assertThat(loopTasks).hasSize(1);

    loopTasks.poll().run();
    assertThat(sent).as("no answer to a repair").hasSize(2);
    DataMessage.Ack first = ackTo(COORDINATOR, 1);
    assertThat(first.error()).isNull();
    assertThat(first.supersededBy()).isZero();
    DataMessage.Ack second = ackTo(OTHER, 2);
    assertThat(second.supersededBy())
        .as("the newer version held, so the coordinator stamps anew")
        .isEqualTo(v + 1_000_000);
    assertThat(engine.get(b("a"))).isEqualTo(b("1"));
    assertThat(engine.get(b("newer"))).isEqualTo(b("held"));
    assertThat(engine.get(b("repaired"))).isEqualTo(b("3"));
    assertThat(path.writes()).isEqualTo(2);
    assertThat(path.repairs()).isEqualTo(1);
  }

  @Test
  void aMutateMovesTheClockPastItsVersion() {
    ReplicaPath path = path(true, null);
    long ahead = clock.now() + (5_000L << 20);
    path.tryServe(
        COORDINATOR, new DataMessage.Mutate(9, new ReplicaRecord(b("k"), b("v"), ahead, 0)));
    assertThat(clock.now()).isGreaterThan(ahead);
    assertThat(ackTo(COORDINATOR, 9).error()).isNull();
  }

  @Test
  void anEngineFailureIsAnsweredAsAnError() {
    ReplicaPath path = path(true, null);
    engine.close();
    path.tryServe(COORDINATOR, new DataMessage.Mutate(4, new ReplicaRecord(b("k"), b("v"), 1, 0)));
    assertThat(ackTo(COORDINATOR, 4).error()).isNotNull();
    path.serve(COORDINATOR, new DataMessage.Read(5, b("k")));
    DataMessage.ReadReply reply = (DataMessage.ReadReply) sent.get(1)[1];
    assertThat(reply.requestId()).isEqualTo(5);
    assertThat(reply.error()).isNotNull();
    assertThat(path.failures()).isEqualTo(2);
  }

  @Test
  void readsAreAnsweredAtOnceWithTheStoredRecordOrNone() {
    ReplicaPath path = path(true, loop);
    engine.put(b("k"), b("v"), 77);
    engine.delete(b("gone"), 78);
    path.serve(COORDINATOR, new DataMessage.Read(1, b("k")));
    path.serve(COORDINATOR, new DataMessage.Read(2, b("gone")));
    path.serve(COORDINATOR, new DataMessage.Read(3, b("never")));
    assertThat(loopTasks).isEmpty();
    assertThat(sent).hasSize(3);
    DataMessage.ReadReply value = (DataMessage.ReadReply) sent.get(0)[1];
    assertThat(value.record().value()).isEqualTo(b("v"));
    assertThat(value.record().version()).isEqualTo(77);
    DataMessage.ReadReply tombstone = (DataMessage.ReadReply) sent.get(1)[1];
    assertThat(tombstone.record().tombstone()).as("tombstones travel for read repair").isTrue();
    assertThat(((DataMessage.ReadReply) sent.get(2)[1]).record()).isNull();
  }

  @Test
  void withALogSyncPerWriteMutatesGoToTheNode() {
    ReplicaPath path = path(false, loop);
    assertThat(
            path.tryServe(
                COORDINATOR, new DataMessage.Mutate(1, new ReplicaRecord(b("k"), b("v"), 1, 0))))
        .isFalse();
    assertThat(loopTasks).isEmpty();
    assertThat(engine.get(b("k"))).isNull();
  }
}
