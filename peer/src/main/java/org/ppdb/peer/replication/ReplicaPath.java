package org.ppdb.peer.replication;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.ppdb.peer.clock.HybridClock;

/**
 * Applies the writes this peer receives as a replica ({@link DataMessage.Mutate}) on the transport
 * event loop that decoded them and sends the acknowledgements from there (and answers replica
 * reads, {@link DataMessage.Read}, the same way), instead of queueing each for the node's thread,
 * which queues the storage call for a storage thread, whose answer goes back through the node's
 * thread to the transport: a replica's part of every write then costs no thread hand-off at all.
 * The writes of one round of the loop go to the engine as one batch ({@link RoundBatcher}), and
 * their acknowledgements leave in one flush.
 *
 * <p>It does exactly what the node's {@code serveMutate} does: observe the version in the peer's
 * clock, apply the record (the engine keeps the highest version), answer with the version now held
 * (so a coordinator whose clock ran behind stamps its write anew), and send no answer to a read
 * repair (request id 0). Its bound is the loop's round ({@value #GROUP_MAX} writes) and TCP's flow
 * control in place of the node's count of replica operations in flight. Not used when every write
 * waits for a log sync ({@code inlineWrites} false, {@code --wal-sync always}): those stay on the
 * storage threads.
 *
 * <p>Thread-safe; commits run on the event loop that received the messages.
 */
public final class ReplicaPath {
  /** Most writes one engine batch of an event loop carries. */
  static final int GROUP_MAX = 256;

  private final HybridClock clock;
  private final EngineReplicaStore store;
  private final BiConsumer<InetSocketAddress, DataMessage> send;
  private final boolean inlineWrites;
  private final RoundBatcher<Incoming> rounds;
  private final LongAdder writes = new LongAdder();
  private final LongAdder repairs = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final LongAdder failures = new LongAdder();

  private record Incoming(InetSocketAddress from, DataMessage.Mutate mutate) {}

  /**
   * @param clock the peer's clock
   * @param store the peer's replica store, called synchronously
   * @param send sends a message to a peer (any thread)
   * @param inlineWrites whether writes may run on the event loop (false when every write waits for
   *     a log sync)
   * @param currentLoop the event loop the calling thread runs, or null on any other thread
   */
  public ReplicaPath(
      HybridClock clock,
      EngineReplicaStore store,
      BiConsumer<InetSocketAddress, DataMessage> send,
      boolean inlineWrites,
      Supplier<Executor> currentLoop) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.store = Objects.requireNonNull(store, "store");
    this.send = Objects.requireNonNull(send, "send");
    this.inlineWrites = inlineWrites;
    this.rounds = new RoundBatcher<>(currentLoop, GROUP_MAX, this::commit);
  }

  /**
   * Takes {@code mutate} from {@code from} (its listening address) to apply here; false when it
   * must go to the node's thread instead.
   */
  public boolean tryServe(InetSocketAddress from, DataMessage.Mutate mutate) {
    if (!inlineWrites) {
      return false;
    }
    clock.observe(mutate.record().version());
    rounds.add(new Incoming(from, mutate));
    return true;
  }

  /**
   * Answers {@code read} from {@code from} (its listening address) from this peer's store at once,
   * on the calling transport thread. A read is not batched: the engine serves it without a log
   * append, and the answers of one round still leave in one flush.
   */
  public void serve(InetSocketAddress from, DataMessage.Read read) {
    ReplicaRecord record = null;
    String error = null;
    try {
      record = store.readNow(read.key());
    } catch (RuntimeException e) {
      error = ReplicationCore.describe(e);
      failures.increment();
    }
    reads.increment();
    send.accept(from, new DataMessage.ReadReply(read.requestId(), record, error));
  }

  private void commit(List<Incoming> batch) {
    List<ReplicaRecord> records = new ArrayList<>(batch.size());
    for (Incoming incoming : batch) {
      records.add(incoming.mutate().record());
    }
    long[] held;
    try {
      held = store.writeAllNow(records);
    } catch (RuntimeException e) {
      for (Incoming incoming : batch) {
        failures.increment();
        if (incoming.mutate().requestId() != 0) {
          send.accept(
              incoming.from(), ReplicationCore.ack(incoming.mutate().requestId(), 0, null, e));
        }
      }
      return;
    }
    for (int i = 0; i < held.length; i++) {
      Incoming incoming = batch.get(i);
      long requestId = incoming.mutate().requestId();
      if (requestId == 0) {
        repairs.increment();
      } else {
        writes.increment();
        send.accept(
            incoming.from(),
            ReplicationCore.ack(requestId, records.get(i).version(), held[i], null));
      }
    }
  }

  /** Replica writes applied and acknowledged on this path. */
  public long writes() {
    return writes.sum();
  }

  /** Read repairs applied on this path. */
  public long repairs() {
    return repairs.sum();
  }

  /** Replica reads answered on this path. */
  public long reads() {
    return reads.sum();
  }

  /** Replica writes and reads the engine failed (each answered with the error). */
  public long failures() {
    return failures.sum();
  }
}
