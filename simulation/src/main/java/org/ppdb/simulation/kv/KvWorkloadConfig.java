package org.ppdb.simulation.kv;

/**
 * The shape of a {@link KvWorkload}: how many clients of each kind, how fast they go, and at which
 * consistency.
 *
 * @param uniqueWriters processes that each write fresh keys, one after another (unique-key
 *     workload); more writers, more keys per second
 * @param registers single-writer registers: one key and one writer process each
 * @param readers processes that read register keys and already-written unique keys
 * @param thinkNanosMean mean pause of a client between an answer and its next request (uniform in
 *     [0, 2 x mean]); smaller is more load and more concurrency per key
 * @param clientTimeoutNanos how long a client waits for an answer before recording the operation as
 *     indeterminate (info); must exceed the coordinator's own request timeout, or clean answers
 *     turn into info
 * @param deleteFraction share of register mutations that are deletes, in [0, 1]
 * @param consistency consistency of the workload's requests ({@code ONE}, {@code QUORUM}, {@code
 *     ALL})
 * @param finalConsistency consistency of the final reads after the heal
 * @param finalReaders processes that read every key after the heal, in parallel
 * @param finalReadAttempts attempts per key in the final reads before the key is left unverified
 * @param finalRetryNanos pause before a final read is attempted again
 * @param registerClientVersions whether register writers stamp their writes from their own clock
 *     (client versions, as {@code PpdbClient} does) rather than leave it to the coordinator; unique
 *     keys are always stamped by the coordinator
 */
public record KvWorkloadConfig(
    int uniqueWriters,
    int registers,
    int readers,
    long thinkNanosMean,
    long clientTimeoutNanos,
    double deleteFraction,
    String consistency,
    String finalConsistency,
    int finalReaders,
    int finalReadAttempts,
    long finalRetryNanos,
    boolean registerClientVersions) {

  /** The most processes of any one kind. */
  public static final int CLIENTS_MAX = 4_096;

  public KvWorkloadConfig {
    range("uniqueWriters", uniqueWriters, 0, CLIENTS_MAX);
    range("registers", registers, 0, CLIENTS_MAX);
    range("readers", readers, 0, CLIENTS_MAX);
    range("finalReaders", finalReaders, 1, CLIENTS_MAX);
    range("finalReadAttempts", finalReadAttempts, 1, 1_000);
    if (thinkNanosMean < 0) {
      throw new IllegalArgumentException("thinkNanosMean: " + thinkNanosMean + " (expected: >= 0)");
    }
    if (clientTimeoutNanos <= 0) {
      throw new IllegalArgumentException(
          "clientTimeoutNanos: " + clientTimeoutNanos + " (expected: > 0)");
    }
    if (finalRetryNanos <= 0) {
      throw new IllegalArgumentException(
          "finalRetryNanos: " + finalRetryNanos + " (expected: > 0)");
    }
    if (!(deleteFraction >= 0 && deleteFraction <= 1)) {
      throw new IllegalArgumentException(
          "deleteFraction: " + deleteFraction + " (expected: in [0, 1])");
    }
    level("consistency", consistency);
    level("finalConsistency", finalConsistency);
  }

  /**
   * The default mix: 4 unique-key writers, 8 registers, 4 readers, 50 ms mean think time, 10 s
   * client timeout, 10% deletes, QUORUM during the run and ALL for the final reads, 4 final readers
   * with 5 attempts 1 s apart.
   */
  public static KvWorkloadConfig defaults() {
    return new KvWorkloadConfig(
        4, 8, 4, 50_000_000L, 10_000_000_000L, 0.1, "QUORUM", "ALL", 4, 5, 1_000_000_000L, true);
  }

  /** This configuration with other client counts. */
  public KvWorkloadConfig withClients(int uniqueWriters, int registers, int readers) {
    return new KvWorkloadConfig(
        uniqueWriters,
        registers,
        readers,
        thinkNanosMean,
        clientTimeoutNanos,
        deleteFraction,
        consistency,
        finalConsistency,
        finalReaders,
        finalReadAttempts,
        finalRetryNanos,
        registerClientVersions);
  }

  /** This configuration with another client timeout. */
  public KvWorkloadConfig withClientTimeoutNanos(long nanos) {
    return new KvWorkloadConfig(
        uniqueWriters,
        registers,
        readers,
        thinkNanosMean,
        nanos,
        deleteFraction,
        consistency,
        finalConsistency,
        finalReaders,
        finalReadAttempts,
        finalRetryNanos,
        registerClientVersions);
  }

  /** This configuration with other consistency levels. */
  public KvWorkloadConfig withConsistency(String during, String atTheEnd) {
    return new KvWorkloadConfig(
        uniqueWriters,
        registers,
        readers,
        thinkNanosMean,
        clientTimeoutNanos,
        deleteFraction,
        during,
        atTheEnd,
        finalReaders,
        finalReadAttempts,
        finalRetryNanos,
        registerClientVersions);
  }

  private static void range(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: " + min + ".." + max + ")");
    }
  }

  private static void level(String name, String value) {
    if (!"ONE".equals(value) && !"QUORUM".equals(value) && !"ALL".equals(value)) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: ONE, QUORUM or ALL)");
    }
  }

  public KvWorkloadConfig withRegisterClientVersions(boolean stamped) {
    return new KvWorkloadConfig(
        uniqueWriters,
        registers,
        readers,
        thinkNanosMean,
        clientTimeoutNanos,
        deleteFraction,
        consistency,
        finalConsistency,
        finalReaders,
        finalReadAttempts,
        finalRetryNanos,
        stamped);
  }
}
