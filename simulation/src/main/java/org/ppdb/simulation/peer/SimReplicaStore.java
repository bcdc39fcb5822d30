package org.ppdb.simulation.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.ppdb.peer.api.OverloadedException;
import org.ppdb.peer.replication.ReplicaRecord;
import org.ppdb.peer.replication.ReplicaStore;
import org.ppdb.peer.replication.TokenRanges;
import org.ppdb.simulation.Simulator;

/**
 * The {@link ReplicaStore} of one life of a simulated peer, over its {@link SimDisk}. Each call is
 * a storage task that runs a seeded delay later as a simulator event (the storage thread's turn:
 * the disk changes, or is read, then), and its callback is then handed to the peer's node thread
 * ({@link PeerSimNode#runTask} through {@link Simulator#call}), never inline: the contract of
 * {@link ReplicaStore}. Tasks may complete out of order, as on a pool of storage threads.
 *
 * <p>Faults: when the peer crashes, tasks of the dead life are dropped: a write not yet applied is
 * lost (it was never acknowledged), callbacks are never run. While the peer is paused or starved,
 * the storage work still happens but callbacks wait until it runs again. More than {@link
 * #TASKS_IN_FLIGHT_MAX} tasks at once are refused with an {@link OverloadedException}, as a full
 * storage executor refuses them.
 *
 * <p>Simulator thread only.
 */
final class SimReplicaStore implements ReplicaStore {

  /** Storage tasks queued at once; beyond, calls complete with an overload error. */
  static final int TASKS_IN_FLIGHT_MAX = 8_192;

  /** Fastest storage task, in simulated nanoseconds. */
  static final long TASK_NANOS_MIN = 20_000;

  /** Slowest storage task, in simulated nanoseconds (an fsync on a busy disk). */
  static final long TASK_NANOS_MAX = 2_000_000;

  /** How often a callback for a paused peer looks again whether it runs. */
  static final long PAUSED_RETRY_NANOS = 1_000_000;

  /** Records examined per {@link #stream} call, so one call stays bounded. */
  static final int STREAM_KEYS_EXAMINED_MAX = 200_000;

  private final SimDisk disk;
  private final Simulator<Object> sim;
  private final int node;
  private final int life;
  private final SplittableRandom random;
  private final LongSupplier epochMillis;
  private int inFlight;

  /**
   * @param disk the peer's disk (survives this life)
   * @param sim the simulator
   * @param node the peer's node index
   * @param life the life of the peer this store belongs to (as given to its factory)
   * @param random this store's stream for task delays
   * @param epochMillis the peer's wall clock, to tell live values from expired ones in scans
   */
  SimReplicaStore(
      SimDisk disk,
      Simulator<Object> sim,
      int node,
      int life,
      SplittableRandom random,
      LongSupplier epochMillis) {
    this.disk = disk;
    this.sim = sim;
    this.node = node;
    this.life = life;
    this.random = random;
    this.epochMillis = epochMillis;
  }

  @Override
  public void write(ReplicaRecord record, BiConsumer<Long, Throwable> done) {
    task(
        () -> {
          disk.apply(record);
          return Math.max(record.version(), disk.get(record.key()).version());
        },
        done);
  }

  @Override
  public void writeAll(List<ReplicaRecord> records, Consumer<Throwable> done) {
    List<ReplicaRecord> copy = List.copyOf(records);
    task(
        () -> {
          for (ReplicaRecord record : copy) {
            disk.apply(record);
          }
          return null;
        },
        (ignored, error) -> done.accept(error));
  }

  @Override
  public void read(byte[] key, BiConsumer<ReplicaRecord, Throwable> done) {
    task(() -> disk.get(key), done);
  }

  @Override
  public void scan(byte[] afterKey, int limit, BiConsumer<ScanResult, Throwable> done) {
    task(
        () -> {
          long now = epochMillis.getAsLong();
          List<byte[]> keys = new ArrayList<>();
          Map<byte[], ReplicaRecord> tail =
              afterKey == null ? disk.records() : disk.records().tailMap(afterKey, false);
          for (ReplicaRecord record : tail.values()) {
            if (!record.isLive(now)) {
              continue;
            }
            if (keys.size() == limit) {
              return new ScanResult(keys, true);
            }
            keys.add(record.key());
          }
          return new ScanResult(keys, false);
        },
        done);
  }

  @Override
  public void stream(
      TokenRanges ranges, byte[] afterKey, int bytesMax, BiConsumer<StreamResult, Throwable> done) {
    task(
        () -> {
          long now = epochMillis.getAsLong();
          List<ReplicaRecord> records = new ArrayList<>();
          int bytes = 0;
          int examined = 0;
          Map<byte[], ReplicaRecord> tail =
              afterKey == null ? disk.records() : disk.records().tailMap(afterKey, false);
          for (ReplicaRecord record : tail.values()) {
            examined++;
            if (ranges.containsKey(record.key()) && (record.tombstone() || record.isLive(now))) {
              records.add(record);
              bytes += record.sizeBytes();
            }
            if (bytes >= bytesMax || examined >= STREAM_KEYS_EXAMINED_MAX) {
              return new StreamResult(records, record.key());
            }
          }
          return new StreamResult(records, null);
        },
        done);
  }

  @Override
  public long sizeEstimate() {
    return disk.records().size();
  }

  private interface StorageCall<T> {
    T call();
  }

  private <T> void task(StorageCall<T> call, BiConsumer<T, Throwable> done) {
    if (inFlight >= TASKS_IN_FLIGHT_MAX) {
      Throwable overloaded =
          new OverloadedException(
              "simulated storage has " + inFlight + " tasks queued (the limit)");
      sim.schedule(
          sim.nowNanos() + TASK_NANOS_MIN, () -> toNode(() -> done.accept(null, overloaded)));
      return;
    }
    inFlight++;
    long delay = TASK_NANOS_MIN + random.nextLong(TASK_NANOS_MAX - TASK_NANOS_MIN + 1);
    sim.schedule(
        sim.nowNanos() + delay,
        () -> {
          inFlight--;
          if (!sameLife()) {
            return; // the peer crashed: the task died with its process
          }
          T result = null;
          Throwable error = null;
          try {
            result = call.call();
          } catch (RuntimeException e) {
            error = e;
          }
          T r = result;
          Throwable e = error;
          toNode(() -> done.accept(r, e));
        });
  }

  /** Runs {@code callback} on the peer's node thread now, or once its pause ends. */
  private void toNode(Runnable callback) {
    if (!sameLife()) {
      return;
    }
    if (sim.state(node) != Simulator.NodeState.UP) {
      sim.schedule(sim.nowNanos() + PAUSED_RETRY_NANOS, () -> toNode(callback));
      return;
    }
    sim.call(
        node, (peer, localNanos, out) -> ((PeerSimNode) peer).runTask(callback, localNanos, out));
  }

  private boolean sameLife() {
    return sim.lives(node) == life + 1 && sim.state(node).alive();
  }
}
