package org.ppdb.simulation.kv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ppdb.simulation.Simulator;
import org.ppdb.simulation.check.History;
import org.ppdb.simulation.check.Operation;

/**
 * The simulated clients of a key-value run, Jepsen style: single-threaded processes that send one
 * request at a time to a random node and record every operation in a {@link History} as invoke,
 * then ok, fail or info. Two workloads run side by side, each with its own history and checker:
 *
 * <ul>
 *   <li><b>unique keys</b> ({@link #uniqueHistory()}, checked by {@link
 *       org.ppdb.simulation.check.UniqueKeyChecker}): writer processes write fresh keys {@code
 *       u<process>-<n>}, each once; readers read keys already written;
 *   <li><b>single-writer registers</b> ({@link #registerHistory()}, checked by {@link
 *       org.ppdb.simulation.check.RegisterChecker}): register {@code r<i>} is written (or deleted)
 *       only by writer process i, with values {@code r<i>-<n>} that never repeat; readers read any
 *       register. Each writer stamps its writes from its own hybrid logical clock on true time
 *       (client versions, as {@code PpdbClient} does), unless {@link
 *       KvWorkloadConfig#registerClientVersions()} leaves it to the coordinators.
 * </ul>
 *
 * A client waits for each answer up to {@link KvWorkloadConfig#clientTimeoutNanos()}; an answer
 * that does not come (the coordinator crashed, or the messages were lost) makes the operation info,
 * and a later answer is ignored. A node that refuses the connection (down or paused) fails the
 * operation at once, since nothing reached it. After {@link #start} the clients run until the stop
 * time; {@link #startFinalReads()} then reads every key the run touched, retrying failed reads, for
 * the checkers' final reads.
 *
 * <p>Determinism: one random stream, drawn from in event order; no hash-ordered iteration. Cost per
 * operation: one history record, two simulator events (the answer and the client's timeout).
 * Simulator thread only.
 */
public final class KvWorkload {

  private final Simulator<?> sim;
  private final SplittableRandom random;
  private final KvEndpoint endpoint;
  private final int nodes;
  private final KvWorkloadConfig config;
  private final java.util.function.LongSupplier clientWallMillis;

  /** Each register writer's own clock, when they stamp their writes (null otherwise). */
  private org.ppdb.peer.clock.HybridClock[] registerClocks;

  private final History unique = new History();
  private final History registers = new History();
  private final List<String> uniqueKeysWritten = new ArrayList<>();
  private long stopAtNanos = Long.MIN_VALUE;
  private long finalReadsFromNanos = Long.MAX_VALUE;
  private int pending;
  private int finalReadersRunning;
  private int finalCursor;
  private List<Target> finalTargets = List.of();
  private long lateAnswers;
  private long refused;
  private long clientTimeouts;

  /** A key of one of the two workloads. */
  private record Target(History history, String key) {}

  /**
   * @param sim the simulator whose time and schedule the clients use
   * @param random the workload's stream (fork it from the simulator)
   * @param endpoint how requests reach nodes
   * @param nodes node indexes 0..nodes-1 are the coordinators clients pick from
   * @param clientWallMillis the clients' wall clock in epoch milliseconds (true simulated time, on
   *     the nodes' epoch), from which register writers stamp their writes ({@link
   *     KvWorkloadConfig#registerClientVersions()})
   */
  public KvWorkload(
      Simulator<?> sim,
      SplittableRandom random,
      KvEndpoint endpoint,
      int nodes,
      KvWorkloadConfig config,
      java.util.function.LongSupplier clientWallMillis) {
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes: " + nodes + " (expected: > 0)");
    }
    this.sim = sim;
    this.random = random;
    this.endpoint = endpoint;
    this.nodes = nodes;
    this.config = config;
    this.clientWallMillis = clientWallMillis;
  }

  /** The unique-key workload's history. */
  public History uniqueHistory() {
    return unique;
  }

  /** The single-writer register workload's history. */
  public History registerHistory() {
    return registers;
  }

  /** The time the final reads began (reads from then on are final), or MAX_VALUE before. */
  public long finalReadsFromNanos() {
    return finalReadsFromNanos;
  }

  /** Operations still waiting for an answer or a client timeout. */
  public int pending() {
    return pending;
  }

  /** Answers that came after the client had given up (the operation was already info). */
  public long lateAnswers() {
    return lateAnswers;
  }

  /** Operations refused at once because their node was down or paused (recorded as fail). */
  public long refused() {
    return refused;
  }

  /** Operations that got no answer within the client timeout (recorded as info). */
  public long clientTimeouts() {
    return clientTimeouts;
  }

  /** Starts every client now; they invoke no new operation at or after {@code stopAtNanos}. */
  public void start(long stopAtNanos) {
    if (this.stopAtNanos != Long.MIN_VALUE) {
      throw new IllegalStateException("the workload was already started");
    }
    this.stopAtNanos = stopAtNanos;
    int u = config.uniqueWriters();
    int r = config.registers();
    if (config.registerClientVersions()) {
      registerClocks = new org.ppdb.peer.clock.HybridClock[r];
      for (int p = 0; p < r; p++) {
        // A writer tag per writer (wrapping past 256 writers only weakens the tie-break).
        registerClocks[p] =
            new org.ppdb.peer.clock.HybridClock(
                clientWallMillis, p & org.ppdb.peer.clock.HlcTimestamp.WRITER_TAG_MAX, 1_000);
      }
    }
    for (int p = 0; p < u; p++) {
      int process = p;
      int[] seq = {0};
      loop(
          next -> {
            String key = "u" + process + "-" + seq[0]++;
            uniqueKeysWritten.add(key);
            submit(
                unique,
                process,
                Operation.Kind.WRITE,
                key,
                "v" + key,
                0,
                config.consistency(),
                next);
          });
    }
    for (int p = 0; p < r; p++) {
      int process = p;
      int[] seq = {0};
      loop(
          next -> {
            String key = "r" + process;
            if (seq[0] > 0 && random.nextDouble() < config.deleteFraction()) {
              seq[0]++;
              submit(
                  registers,
                  process,
                  Operation.Kind.DELETE,
                  key,
                  null,
                  stamp(process),
                  config.consistency(),
                  next);
            } else {
              String value = key + "-" + seq[0]++;
              submit(
                  registers,
                  process,
                  Operation.Kind.WRITE,
                  key,
                  value,
                  stamp(process),
                  config.consistency(),
                  next);
            }
          });
    }
    for (int p = 0; p < config.readers(); p++) {
      int uniqueProcess = u + p;
      int registerProcess = r + p;
      loop(
          next -> {
            if (r == 0 && uniqueKeysWritten.isEmpty()) {
              next.answered(false); // nothing to read yet
            } else if (r > 0 && (uniqueKeysWritten.isEmpty() || random.nextBoolean())) {
              String key = "r" + random.nextInt(r);
              submit(
                  registers,
                  registerProcess,
                  Operation.Kind.READ,
                  key,
                  null,
                  0,
                  config.consistency(),
                  next);
            } else {
              String key = uniqueKeysWritten.get(random.nextInt(uniqueKeysWritten.size()));
              submit(
                  unique,
                  uniqueProcess,
                  Operation.Kind.READ,
                  key,
                  null,
                  0,
                  config.consistency(),
                  next);
            }
          });
    }
  }

  /**
   * Reads every key either workload touched at the final consistency, with {@link
   * KvWorkloadConfig#finalReaders()} processes in parallel, retrying a key whose read did not
   * complete ok. Call after the heal, once no operation is pending.
   */
  public void startFinalReads() {
    if (pending > 0) {
      throw new IllegalStateException(
          "pending operations: " + pending + " (expected: 0 before the final reads)");
    }
    finalReadsFromNanos = sim.nowNanos();
    List<Target> targets = new ArrayList<>();
    for (String key : unique.keys()) {
      targets.add(new Target(unique, key));
    }
    for (String key : registers.keys()) {
      targets.add(new Target(registers, key));
    }
    finalTargets = targets;
    finalCursor = 0;
    int uniqueBase = config.uniqueWriters() + config.readers();
    int registerBase = config.registers() + config.readers();
    for (int f = 0; f < config.finalReaders(); f++) {
      finalReadersRunning++;
      int uniqueProcess = uniqueBase + f;
      int registerProcess = registerBase + f;
      sim.schedule(sim.nowNanos(), () -> nextFinalRead(uniqueProcess, registerProcess));
    }
  }

  /** True once every final reader has gone through every key. */
  public boolean finalReadsDone() {
    return finalReadsFromNanos != Long.MAX_VALUE && finalReadersRunning == 0;
  }

  private void nextFinalRead(int uniqueProcess, int registerProcess) {
    if (finalCursor >= finalTargets.size()) {
      finalReadersRunning--;
      return;
    }
    Target target = finalTargets.get(finalCursor++);
    finalRead(
        target,
        target.history == unique ? uniqueProcess : registerProcess,
        1,
        () -> nextFinalRead(uniqueProcess, registerProcess));
  }

  private void finalRead(Target target, int process, int attempt, Runnable next) {
    submit(
        target.history,
        process,
        Operation.Kind.READ,
        target.key,
        null,
        0,
        config.finalConsistency(),
        ok -> {
          if (ok || attempt >= config.finalReadAttempts()) {
            next.run();
          } else {
            sim.schedule(
                sim.nowNanos() + config.finalRetryNanos(),
                () -> finalRead(target, process, attempt + 1, next));
          }
        });
  }

  /** One client's next operation; it calls {@code next} once its operation is answered. */
  private interface Step {
    void run(Answered next);
  }

  /**
   * Runs {@code step} after a think time, and again after each answer and a think time, until the
   * stop time.
   */
  private void loop(Step step) {
    Runnable[] next = new Runnable[1];
    next[0] =
        () -> {
          if (sim.nowNanos() < stopAtNanos) {
            step.run(ok -> sim.schedule(sim.nowNanos() + think(), next[0]));
          }
        };
    sim.schedule(sim.nowNanos() + think(), next[0]);
  }

  /** Done callback: whether the operation completed ok. */
  private interface Answered {
    void answered(boolean ok);
  }

  private void submit(
      History history,
      int process,
      Operation.Kind kind,
      String key,
      String value,
      long version,
      String consistency,
      Answered answered) {
    int node = random.nextInt(nodes);
    int id = history.invoke(process, node, kind, key, value, sim.nowNanos());
    if (!endpoint.available(node)) {
      refused++;
      history.fail(id, "node " + node + " refused the connection", sim.nowNanos());
      answered.answered(false);
      return;
    }
    pending++;
    boolean[] done = {false};
    KvEndpoint.Request request =
        switch (kind) {
          case WRITE -> KvEndpoint.Request.PUT;
          case DELETE -> KvEndpoint.Request.DELETE;
          case READ -> KvEndpoint.Request.GET;
        };
    KvEndpoint.Completion completion =
        new KvEndpoint.Completion() {
          @Override
          public void ok(byte[] read) {
            if (finish()) {
              if (kind == Operation.Kind.READ) {
                history.okRead(
                    id,
                    read == null ? null : new String(read, StandardCharsets.UTF_8),
                    sim.nowNanos());
              } else {
                history.ok(id, sim.nowNanos());
              }
              answered.answered(true);
            }
          }

          @Override
          public void fail(String error) {
            if (finish()) {
              history.fail(id, error, sim.nowNanos());
              answered.answered(false);
            }
          }

          @Override
          public void info(String error) {
            if (finish()) {
              history.info(id, error, sim.nowNanos());
              answered.answered(false);
            }
          }

          private boolean finish() {
            if (done[0]) {
              lateAnswers++;
              return false;
            }
            done[0] = true;
            pending--;
            return true;
          }
        };
    sim.schedule(
        sim.nowNanos() + config.clientTimeoutNanos(),
        () -> {
          if (!done[0]) {
            done[0] = true;
            pending--;
            clientTimeouts++;
            history.info(id, "no answer within the client timeout", sim.nowNanos());
            answered.answered(false);
          }
        });
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    byte[] valueBytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    if (!endpoint.submit(node, request, keyBytes, valueBytes, version, consistency, completion)) {
      completion.fail("node " + node + " refused the connection");
      refused++;
    }
  }

  /** The version register writer {@code process} stamps its next write with, 0 for none. */
  private long stamp(int process) {
    return registerClocks == null ? 0 : registerClocks[process].now();
  }

  private long think() {
    long mean = config.thinkNanosMean();
    return mean == 0 ? 0 : random.nextLong(2 * mean + 1);
  }
}
