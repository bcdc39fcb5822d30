package org.ppdb.simulation.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a single-writer register workload: every key is written (set or deleted) by one process
 * only, one operation at a time, each write with a value not written before to that key; any
 * process reads any key. After the run the cluster is healed and every key is read once more (the
 * <em>final reads</em>: reads invoked at or after {@code finalReadsFromNanos}).
 *
 * <h2>What is checked</h2>
 *
 * Number a key's mutations 0, 1, 2, ... in the order its writer invoked them; position -1 is the
 * initial state (absent). A read's value matches the positions that wrote it (absent matches -1 and
 * every delete), among mutations invoked before the read completed; the read is explained by the
 * latest such position whose mutation did not fail. Then:
 *
 * <ul>
 *   <li><b>phantom read</b>: no mutation invoked before the read completed wrote the value;
 *   <li><b>failed write visible</b>: only mutations that completed fail wrote it;
 *   <li><b>register regression</b> (final reads): the value is older than the key's last mutation
 *       that completed ok before the final read began (the workload has stopped by then, so that is
 *       its last ok mutation). The final value must be the last ok write's, or that of a later
 *       write whose outcome is unknown (info or pending), never an older one: last-writer-wins must
 *       never let an older write (or a lost one) win over an acknowledged newer one;
 *   <li><b>stale read</b> (reads during the run): the value is older than the last mutation that
 *       completed ok before the read was invoked. Mutations concurrent with the read may or may not
 *       be seen;
 *   <li><b>unverified</b>: a key with an ok mutation has no ok final read.
 * </ul>
 *
 * <h2>Stale reads: informational unless strict</h2>
 *
 * With reads and writes at QUORUM (R + W > N) over a fixed replica set, every read quorum meets
 * every write quorum, so a read invoked after a write completed sees it and, versions being ordered
 * like the writes, returns it or something newer: stale reads must be 0, and the scenario runs
 * fault-free seeds with {@code strictStaleReads} on. Under faults two things can break the
 * intersection in ppdb's Dynamo-style design, so there they are counted, not failed: the replicas a
 * coordinator uses follow its own view of the ring, which differs between peers while a member
 * joins (a read there can miss a write made through a peer with the other view), and versions are
 * hybrid-clock timestamps taken by whichever peer coordinates the write, so a coordinator whose
 * clock is behind can give a newer write a lower version than an older one from a coordinator whose
 * clock is ahead. The second shows as a register regression in the final reads, which is always a
 * failure.
 *
 * <p>Cost: O(operations + reads x writes of the read's key); keys with one writer have few writes.
 * Stateless apart from its parameters; {@link #check} may be called from any thread on a history
 * that no one is writing.
 */
public final class RegisterChecker {

  /** The checker's name in reports. */
  public static final String NAME = "register";

  private final long finalReadsFromNanos;
  private final boolean strictStaleReads;

  /**
   * @param finalReadsFromNanos reads invoked at or after this simulated time are final reads
   * @param strictStaleReads true to make stale reads fail the check
   */
  public RegisterChecker(long finalReadsFromNanos, boolean strictStaleReads) {
    this.finalReadsFromNanos = finalReadsFromNanos;
    this.strictStaleReads = strictStaleReads;
  }

  /**
   * Checks {@code history}.
   *
   * @throws IllegalArgumentException if the history is not a single-writer register workload (two
   *     writers of a key, or a value written twice to a key)
   */
  public Verdict check(History history) {
    Verdict verdict =
        Verdict.failingOn(
            NAME,
            strictStaleReads,
            Anomaly.Kind.REGISTER_REGRESSION,
            Anomaly.Kind.PHANTOM_READ,
            Anomaly.Kind.FAILED_WRITE_VISIBLE,
            Anomaly.Kind.UNVERIFIED);
    for (String key : history.keys()) {
      checkKey(key, history.ofKey(key), verdict);
    }
    return verdict;
  }

  private void checkKey(String key, List<Operation> ops, Verdict verdict) {
    List<Operation> mutations = new ArrayList<>();
    Map<String, Integer> positionOfValue = new LinkedHashMap<>();
    int writer = -1;
    int lastOk = -1;
    for (Operation op : ops) {
      if (!op.kind().mutates()) {
        continue;
      }
      if (writer >= 0 && op.process() != writer) {
        throw new IllegalArgumentException(
            "key "
                + key
                + ": written by processes "
                + writer
                + " and "
                + op.process()
                + " (expected: a single writer)");
      }
      writer = op.process();
      if (op.kind() == Operation.Kind.WRITE
          && positionOfValue.put(op.value(), mutations.size()) != null) {
        throw new IllegalArgumentException(
            "key " + key + ": value " + op.value() + " written twice (expected: unique values)");
      }
      if (op.ok()) {
        lastOk = mutations.size();
      }
      switch (op.outcome()) {
        case OK -> verdict.count("ok writes", 1);
        case FAIL -> verdict.count("failed writes", 1);
        case INFO, PENDING -> verdict.count("indeterminate writes", 1);
      }
      mutations.add(op);
    }
    verdict.count("keys", 1);
    boolean verified = false;
    for (Operation read : ops) {
      if (read.kind() != Operation.Kind.READ || !read.ok()) {
        continue;
      }
      verdict.count("ok reads", 1);
      boolean isFinal = read.invokeNanos() >= finalReadsFromNanos;
      int best = explain(key, read, mutations, positionOfValue, verdict);
      if (best == Integer.MIN_VALUE) {
        continue; // phantom or failed write visible, already reported
      }
      int required = -1;
      for (int i = mutations.size() - 1; i >= 0; i--) {
        if (mutations.get(i).mutationOkBefore(read.invokeNanos())) {
          required = i;
          break;
        }
      }
      if (isFinal) {
        verdict.count("final reads", 1);
        verified = true;
        if (best < required) {
          verdict.add(
              new Anomaly(
                  Anomaly.Kind.REGISTER_REGRESSION,
                  key,
                  read.id(),
                  "final read #"
                      + read.id()
                      + " returned "
                      + source(best, mutations)
                      + " but the last ok write is #"
                      + mutations.get(required).id()));
        } else if (best > lastOk) {
          verdict.count("final values from indeterminate writes", 1);
        }
      } else if (best < required) {
        verdict.add(
            new Anomaly(
                Anomaly.Kind.STALE_READ,
                key,
                read.id(),
                "read #"
                    + read.id()
                    + " returned "
                    + source(best, mutations)
                    + " but write #"
                    + mutations.get(required).id()
                    + " completed ok before the read began"));
      }
    }
    if (lastOk >= 0 && !verified) {
      verdict.add(
          new Anomaly(
              Anomaly.Kind.UNVERIFIED,
              key,
              mutations.get(lastOk).id(),
              "no final read of the key completed ok"));
    }
  }

  /**
   * The latest position (-1: the initial absence) whose mutation explains the read's value, or
   * {@link Integer#MIN_VALUE} after reporting a phantom read or a visible failed write.
   */
  private static int explain(
      String key,
      Operation read,
      List<Operation> mutations,
      Map<String, Integer> positionOfValue,
      Verdict verdict) {
    if (read.value() == null) {
      for (int i = mutations.size() - 1; i >= 0; i--) {
        Operation m = mutations.get(i);
        if (m.kind() == Operation.Kind.DELETE
            && m.invokeNanos() <= read.completeNanos()
            && m.outcome().mayHaveHappened()) {
          return i;
        }
      }
      return -1; // the initial state: absent
    }
    Integer position = positionOfValue.get(read.value());
    if (position == null || mutations.get(position).invokeNanos() > read.completeNanos()) {
      verdict.add(
          new Anomaly(
              Anomaly.Kind.PHANTOM_READ,
              key,
              read.id(),
              position == null
                  ? "read #" + read.id() + " returned \"" + read.value() + "\", never written"
                  : "read #"
                      + read.id()
                      + " returned \""
                      + read.value()
                      + "\" of write #"
                      + mutations.get(position).id()
                      + ", invoked after the read completed"));
      return Integer.MIN_VALUE;
    }
    if (!mutations.get(position).outcome().mayHaveHappened()) {
      verdict.add(
          new Anomaly(
              Anomaly.Kind.FAILED_WRITE_VISIBLE,
              key,
              read.id(),
              "read #"
                  + read.id()
                  + " returned \""
                  + read.value()
                  + "\" of write #"
                  + mutations.get(position).id()
                  + ", which failed"));
      return Integer.MIN_VALUE;
    }
    return position;
  }

  private static String source(int position, List<Operation> mutations) {
    if (position < 0) {
      return "nil (never written)";
    }
    Operation m = mutations.get(position);
    return m.kind() == Operation.Kind.DELETE
        ? "nil of delete #" + m.id()
        : "\"" + m.value() + "\" of write #" + m.id();
  }
}
