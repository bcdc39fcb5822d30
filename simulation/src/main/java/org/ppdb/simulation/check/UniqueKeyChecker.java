package org.ppdb.simulation.check;

import java.util.List;

/**
 * Checks a unique-key workload: every key is written exactly once, by any process, and read by any
 * process; after the run the cluster is healed and every key is read once more (the <em>final
 * reads</em>: reads invoked at or after {@code finalReadsFromNanos}). It is the simplest test of
 * durability: with one write per key there is no ordering to argue about, only whether the write
 * survived.
 *
 * <ul>
 *   <li><b>lost write</b>: the write completed ok before a final read began, and that read found
 *       the key absent;
 *   <li><b>phantom read</b>: a read returned a value that the key's write did not write, or before
 *       that write was invoked;
 *   <li><b>failed write visible</b>: a read returned the value of a write that completed fail;
 *   <li><b>unverified</b>: a key whose write completed ok has no ok final read;
 *   <li><b>stale read</b> (reads during the run): the key read absent although its write completed
 *       ok before the read began; informational unless strict, for the reasons given in {@link
 *       RegisterChecker}.
 * </ul>
 *
 * An indeterminate write (info, or still pending) may be present after the heal or not; the verdict
 * counts how many are.
 *
 * <p>Cost: O(operations). Stateless apart from its parameters.
 */
public final class UniqueKeyChecker {

  /** The checker's name in reports. */
  public static final String NAME = "unique-key";

  private final long finalReadsFromNanos;
  private final boolean strictStaleReads;

  /**
   * @param finalReadsFromNanos reads invoked at or after this simulated time are final reads
   * @param strictStaleReads true to make stale reads fail the check
   */
  public UniqueKeyChecker(long finalReadsFromNanos, boolean strictStaleReads) {
    this.finalReadsFromNanos = finalReadsFromNanos;
    this.strictStaleReads = strictStaleReads;
  }

  /**
   * Checks {@code history}.
   *
   * @throws IllegalArgumentException if a key is written more than once or deleted
   */
  public Verdict check(History history) {
    Verdict verdict =
        Verdict.failingOn(
            NAME,
            strictStaleReads,
            Anomaly.Kind.LOST_WRITE,
            Anomaly.Kind.PHANTOM_READ,
            Anomaly.Kind.FAILED_WRITE_VISIBLE,
            Anomaly.Kind.UNVERIFIED);
    for (String key : history.keys()) {
      checkKey(key, history.ofKey(key), verdict);
    }
    return verdict;
  }

  private void checkKey(String key, List<Operation> ops, Verdict verdict) {
    Operation write = null;
    for (Operation op : ops) {
      if (op.kind() == Operation.Kind.DELETE) {
        throw new IllegalArgumentException(
            "key " + key + ": deleted by #" + op.id() + " (expected: writes and reads only)");
      }
      if (op.kind() == Operation.Kind.WRITE) {
        if (write != null) {
          throw new IllegalArgumentException(
              "key "
                  + key
                  + ": written by #"
                  + write.id()
                  + " and #"
                  + op.id()
                  + " (expected: one write per key)");
        }
        write = op;
      }
    }
    verdict.count("keys", 1);
    if (write != null) {
      switch (write.outcome()) {
        case OK -> verdict.count("ok writes", 1);
        case FAIL -> verdict.count("failed writes", 1);
        case INFO, PENDING -> verdict.count("indeterminate writes", 1);
      }
    }
    boolean verified = false;
    boolean presentAfterHeal = false;
    for (Operation read : ops) {
      if (read.kind() != Operation.Kind.READ || !read.ok()) {
        continue;
      }
      verdict.count("ok reads", 1);
      boolean isFinal = read.invokeNanos() >= finalReadsFromNanos;
      if (isFinal) {
        verdict.count("final reads", 1);
      }
      if (read.value() != null) {
        if (write == null
            || !write.value().equals(read.value())
            || write.invokeNanos() > read.completeNanos()) {
          verdict.add(
              new Anomaly(
                  Anomaly.Kind.PHANTOM_READ,
                  key,
                  read.id(),
                  write == null || !write.value().equals(read.value())
                      ? "read #" + read.id() + " returned \"" + read.value() + "\", never written"
                      : "read #"
                          + read.id()
                          + " returned the value of write #"
                          + write.id()
                          + ", invoked after the read completed"));
        } else if (!write.outcome().mayHaveHappened()) {
          verdict.add(
              new Anomaly(
                  Anomaly.Kind.FAILED_WRITE_VISIBLE,
                  key,
                  read.id(),
                  "read #"
                      + read.id()
                      + " returned the value of write #"
                      + write.id()
                      + ", which failed"));
        } else if (isFinal) {
          verified = true;
          presentAfterHeal = true;
        }
        continue;
      }
      boolean acknowledgedBefore = write != null && write.mutationOkBefore(read.invokeNanos());
      if (isFinal) {
        verified = true;
        if (acknowledgedBefore) {
          verdict.add(
              new Anomaly(
                  Anomaly.Kind.LOST_WRITE,
                  key,
                  read.id(),
                  "final read #"
                      + read.id()
                      + " found the key absent; write #"
                      + write.id()
                      + " completed ok"));
        }
      } else if (acknowledgedBefore) {
        verdict.add(
            new Anomaly(
                Anomaly.Kind.STALE_READ,
                key,
                read.id(),
                "read #"
                    + read.id()
                    + " found the key absent; write #"
                    + write.id()
                    + " completed ok before the read began"));
      }
    }
    if (write != null && !write.ok() && write.outcome().mayHaveHappened() && presentAfterHeal) {
      verdict.count("indeterminate writes present after the heal", 1);
    }
    if (write != null && write.ok() && !verified) {
      verdict.add(
          new Anomaly(
              Anomaly.Kind.UNVERIFIED, key, write.id(), "no final read of the key completed ok"));
    }
  }
}
