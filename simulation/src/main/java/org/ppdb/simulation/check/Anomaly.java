package org.ppdb.simulation.check;

/**
 * One thing a checker found wrong (or, for {@link Kind#STALE_READ}, worth counting) in a {@link
 * History}.
 *
 * @param kind what kind of anomaly
 * @param key the key whose history shows it
 * @param operation the id of the operation that shows it (the read, or the unverified write)
 * @param description one sentence naming the operations involved
 */
public record Anomaly(Kind kind, String key, int operation, String description) {

  /** The anomalies the checkers detect. */
  public enum Kind {
    /** A write acknowledged ok is not what the key holds after the heal. */
    LOST_WRITE,
    /**
     * A single-writer register's final value is older than its last ok write: an older write (or
     * absence) won over a newer acknowledged one.
     */
    REGISTER_REGRESSION,
    /** A read returned a value that no write wrote (before the read completed). */
    PHANTOM_READ,
    /** A read returned the value of a write that completed fail: it certainly did not happen. */
    FAILED_WRITE_VISIBLE,
    /** A key with an ok write got no ok read after the heal, so the checker could not check it. */
    UNVERIFIED,
    /**
     * A read during the run returned a value older than the last write that completed ok before the
     * read began. Informational unless the checker is strict (see {@link RegisterChecker}).
     */
    STALE_READ
  }
}
