package org.ppdb.simulation.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.ppdb.simulation.NetworkConfig;
import org.ppdb.simulation.SimNode;
import org.ppdb.simulation.Simulator;
import org.ppdb.simulation.check.Anomaly;
import org.ppdb.simulation.check.History;
import org.ppdb.simulation.check.RegisterChecker;
import org.ppdb.simulation.check.UniqueKeyChecker;
import org.ppdb.simulation.check.Verdict;

/**
 * The workload and checkers end to end against reference stores: one correct atomic map must pass
 * even the strict checks; stores with known bugs must be caught.
 */
class KvWorkloadTest {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  /** The bugs a reference store can be given. */
  private enum Bug {
    NONE,
    /** Acknowledges some writes without applying them. */
    LOSES_ACKNOWLEDGED_WRITES,
    /** Applies some writes but never answers (a coordinator that died): info operations. */
    DROPS_ANSWERS,
    /** Answers some reads from a snapshot taken long ago. */
    STALE_READS
  }

  /**
   * One atomic map shared by all "nodes": every request takes effect at one instant between its
   * invocation and its answer (so it is linearizable), unless the bug says otherwise.
   */
  private static final class ReferenceKv implements KvEndpoint {
    private final Simulator<?> sim;
    private final SplittableRandom random;
    private final Bug bug;
    private final TreeMap<String, byte[]> map = new TreeMap<>();
    private TreeMap<String, byte[]> snapshot = new TreeMap<>();

    /** Each key's last client version, and the writes that came with none or a lower one. */
    private final TreeMap<String, Long> versions = new TreeMap<>();

    long stampedWrites;
    long unstampedRegisterWrites;
    long versionsNotIncreasing;

    ReferenceKv(Simulator<?> sim, SplittableRandom random, Bug bug) {
      this.sim = sim;
      this.random = random;
      this.bug = bug;
    }

    @Override
    public boolean available(int node) {
      return node != 3 || sim.nowNanos() > 2 * S; // node 3 is down for the first 2 s
    }

    @Override
    public boolean submit(
        int node,
        Request request,
        byte[] key,
        byte[] value,
        long version,
        String consistency,
        Completion done) {
      String k = new String(key, StandardCharsets.UTF_8);
      if (request != Request.GET) {
        if (version != 0) {
          stampedWrites++;
          Long last = versions.put(k, version);
          if (last != null && last >= version) {
            versionsNotIncreasing++;
          }
        } else if (k.startsWith("r")) {
          unstampedRegisterWrites++;
        }
      }
      long effect = sim.nowNanos() + 1 + random.nextLong(5 * MS);
      long answer = effect + random.nextLong(5 * MS);
      sim.schedule(
          effect,
          () -> {
            byte[] read = null;
            boolean lose = bug == Bug.LOSES_ACKNOWLEDGED_WRITES && random.nextInt(50) == 0;
            switch (request) {
              case PUT -> {
                if (!lose) {
                  map.put(k, value);
                }
              }
              case DELETE -> {
                if (!lose) {
                  map.remove(k);
                }
              }
              case GET ->
                  read =
                      bug == Bug.STALE_READS && random.nextInt(5) == 0
                          ? snapshot.get(k)
                          : map.get(k);
            }
            if (random.nextInt(200) == 0) {
              snapshot = new TreeMap<>(map);
            }
            byte[] result = read;
            if (bug == Bug.DROPS_ANSWERS && random.nextInt(20) == 0) {
              return;
            }
            sim.schedule(
                answer,
                () -> done.ok(result == null ? null : Arrays.copyOf(result, result.length)));
          });
      return true;
    }
  }

  private record Run(KvWorkload workload, Verdict unique, Verdict register, ReferenceKv kv) {}

  private static Run run(long seed, Bug bug, boolean strict) {
    Simulator<Object> sim = new Simulator<>(seed, NetworkConfig.LAN, NO_MESSAGES);
    ReferenceKv kv = new ReferenceKv(sim, sim.fork(), bug);
    KvWorkloadConfig config = KvWorkloadConfig.defaults().withClientTimeoutNanos(S);
    KvWorkload workload =
        new KvWorkload(
            sim, sim.fork(), kv, 5, config, () -> 1_767_225_600_000L + sim.nowNanos() / 1_000_000);
    workload.start(20 * S);
    sim.runUntil(22 * S);
    assertThat(workload.pending()).as("seed %d", seed).isZero();
    workload.startFinalReads();
    while (!workload.finalReadsDone() && sim.nowNanos() < 300 * S) {
      sim.runUntil(sim.nowNanos() + S);
    }
    assertThat(workload.finalReadsDone()).as("seed %d", seed).isTrue();
    Verdict unique =
        new UniqueKeyChecker(workload.finalReadsFromNanos(), strict)
            .check(workload.uniqueHistory());
    Verdict register =
        new RegisterChecker(workload.finalReadsFromNanos(), strict)
            .check(workload.registerHistory());
    return new Run(workload, unique, register, kv);
  }

  private static final SimNode.MessageTraits<Object> NO_MESSAGES =
      new SimNode.MessageTraits<>() {
        @Override
        public int sizeBytes(Object message) {
          return 0;
        }

        @Override
        public long digest(Object message) {
          return 0;
        }
      };

  @Test
  void aLinearizableStorePassesEvenTheStrictChecks() {
    for (long seed = 1; seed <= 3; seed++) {
      Run run = run(seed, Bug.NONE, true);
      History u = run.workload.uniqueHistory();
      History r = run.workload.registerHistory();
      assertThat(run.unique.valid())
          .as("seed %d: %s", seed, run.unique.describeFailures(u))
          .isTrue();
      assertThat(run.register.valid())
          .as("seed %d: %s", seed, run.register.describeFailures(r))
          .isTrue();
      assertThat(run.unique.count("ok writes")).as("seed %d", seed).isGreaterThan(500);
      assertThat(run.register.count("ok writes")).as("seed %d", seed).isGreaterThan(1000);
      assertThat(run.register.count("final reads")).isEqualTo(8);
      assertThat(run.workload.refused()).as("node 3 refused while down").isPositive();
      // Register writers stamp every write, from clocks that never go back; unique keys do not.
      assertThat(run.kv.stampedWrites).isGreaterThan(1000);
      assertThat(run.kv.unstampedRegisterWrites).isZero();
      assertThat(run.kv.versionsNotIncreasing).isZero();
    }
  }

  @Test
  void lostAcknowledgedWritesAreCaught() {
    Run run = run(7, Bug.LOSES_ACKNOWLEDGED_WRITES, false);
    assertThat(run.unique.count(Anomaly.Kind.LOST_WRITE)).isPositive();
    assertThat(run.unique.valid()).isFalse();
    // A lost register write shows when it was the register's last: at least stale reads.
    assertThat(run.register.count(Anomaly.Kind.STALE_READ)).isPositive();
  }

  @Test
  void unansweredOperationsAreIndeterminateAndStillValid() {
    Run run = run(11, Bug.DROPS_ANSWERS, true);
    assertThat(run.workload.clientTimeouts()).isPositive();
    assertThat(run.unique.count("indeterminate writes")).isPositive();
    assertThat(run.unique.count("indeterminate writes present after the heal")).isPositive();
    assertThat(run.unique.valid()).as(run.unique.toString()).isTrue();
    assertThat(run.register.valid()).as(run.register.toString()).isTrue();
  }

  @Test
  void staleReadsAreCaughtByTheStrictCheckOnly() {
    Run strict = run(13, Bug.STALE_READS, true);
    assertThat(strict.register.count(Anomaly.Kind.STALE_READ)).isPositive();
    assertThat(strict.register.valid()).isFalse();
    Run lenient = run(13, Bug.STALE_READS, false);
    assertThat(lenient.register.valid()).as(lenient.register.toString()).isTrue();
  }

  @Test
  void theSameSeedRecordsTheSameHistory() {
    Run a = run(21, Bug.DROPS_ANSWERS, false);
    Run b = run(21, Bug.DROPS_ANSWERS, false);
    History ha = a.workload.registerHistory();
    History hb = b.workload.registerHistory();
    assertThat(hb.operations()).isEqualTo(ha.operations());
    assertThat(b.workload.uniqueHistory().operations())
        .isEqualTo(a.workload.uniqueHistory().operations());
  }
}
