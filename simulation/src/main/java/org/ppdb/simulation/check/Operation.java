package org.ppdb.simulation.check;

/**
 * One client operation of a {@link History}: its invocation and, once known, its completion.
 * Jepsen's model [1]: an operation is invoked by a process (a single-threaded client), then
 * completes {@link Outcome#OK ok} (it happened), {@link Outcome#FAIL fail} (it certainly did not
 * happen) or {@link Outcome#INFO info} (indeterminate: it may have happened, now or later); an
 * operation still {@link Outcome#PENDING pending} when the history is checked counts as info.
 *
 * <p>Immutable. [1] Kingsbury, "Jepsen: knossos" (histories of invoke/ok/fail/info),
 * github.com/jepsen-io/knossos.
 *
 * @param id the operation's number in its history (0, 1, 2, ... in order of invocation)
 * @param process the client process that invoked it
 * @param node the node the request was sent to (the coordinator), or -1 when not recorded
 * @param kind what it does
 * @param key the key it touches
 * @param value for a write, the value written; for an ok read, the value read (null: absent);
 *     otherwise null
 * @param outcome how it ended so far
 * @param invokeNanos simulated time of the invocation
 * @param completeNanos simulated time of the completion, {@link Long#MAX_VALUE} while pending
 * @param error the error that completed a fail or info operation, else null
 */
public record Operation(
    int id,
    int process,
    int node,
    Kind kind,
    String key,
    String value,
    Outcome outcome,
    long invokeNanos,
    long completeNanos,
    String error) {

  /** What an operation does. */
  public enum Kind {
    /** Sets the key to {@link Operation#value()}. */
    WRITE,
    /** Removes the key (a versioned tombstone): the key reads absent. */
    DELETE,
    /** Reads the key; an ok read carries the value read. */
    READ;

    /** True for the kinds that change the key: writes and deletes. */
    public boolean mutates() {
      return this != READ;
    }
  }

  /** How an operation ended. */
  public enum Outcome {
    /** Not completed yet (or never, when the client gave up without an answer): indeterminate. */
    PENDING,
    /** Completed successfully: a write is durable on the requested replicas, a read has a value. */
    OK,
    /** Certainly did not happen (nothing was attempted, or the request was refused). */
    FAIL,
    /** Indeterminate: the write may or may not have happened, and may still happen later. */
    INFO;

    /** True when the operation may have taken effect: ok, info or still pending. */
    public boolean mayHaveHappened() {
      return this != FAIL;
    }
  }

  /** True when the operation completed ok. */
  public boolean ok() {
    return outcome == Outcome.OK;
  }

  /** True when this is a write or delete that completed ok strictly before {@code nanos}. */
  public boolean mutationOkBefore(long nanos) {
    return kind.mutates() && outcome == Outcome.OK && completeNanos < nanos;
  }

  /** The value the key holds after this mutation: the written value, or null for a delete. */
  public String valueAfter() {
    if (!kind.mutates()) {
      throw new IllegalStateException("operation " + id + " is a read, not a mutation");
    }
    return kind == Kind.WRITE ? value : null;
  }
}
