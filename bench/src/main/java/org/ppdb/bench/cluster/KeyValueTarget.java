package org.ppdb.bench.cluster;

/**
 * A key-value store as the Java workload sees it: a synchronous put and get through one system's
 * own Java client ({@link PpdbTarget}, {@link HazelcastTarget}). Implementations are shared by all
 * workload threads and must be thread-safe.
 */
interface KeyValueTarget extends AutoCloseable {
  /** Stores {@code value} under {@code key}, returning once the system acknowledged it. */
  void put(byte[] key, byte[] value) throws Exception;

  /** The value under {@code key}, or {@code null} if there is none. */
  byte[] get(byte[] key) throws Exception;

  /**
   * What is measured, for the report, e.g. {@code hazelcast 5.7.0 (3 members, IMap backup-count
   * 2)}.
   */
  String description();

  @Override
  void close();
}
