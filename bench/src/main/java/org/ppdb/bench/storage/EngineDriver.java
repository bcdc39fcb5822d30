package org.ppdb.bench.storage;

import java.nio.file.Path;

/**
 * What the storage benchmark needs of an engine: one implementation per engine measured, each a
 * thin translation to the engine's own API, so that the workloads are the same code for every
 * engine.
 *
 * <p>After {@link #open}, the data methods are called concurrently from the workload's threads;
 * open, flush and close are called from one thread with no data call in flight. Engine failures are
 * rethrown as they are: the worker records them against the workload.
 */
public interface EngineDriver extends AutoCloseable {
  /** Short name used in options and file names, e.g. {@code rocksdb}. */
  String name();

  /** Name and version as a report shows it, e.g. {@code rocksdb 10.2.1 (rocksdbjni)}. */
  String description();

  /**
   * Opens (creating if absent) the database in {@code directory} with the benchmark's settings: WAL
   * on, and every write synced when {@code syncEveryWrite}.
   */
  void open(Path directory, StorageSettings settings, boolean syncEveryWrite) throws Exception;

  void put(byte[] key, byte[] value) throws Exception;

  /** The value of {@code key}, or {@code null} when absent. */
  byte[] get(byte[] key) throws Exception;

  void delete(byte[] key) throws Exception;

  /**
   * With a new iterator, seeks the first key at or after {@code key} and reads up to {@code
   * entries} entries (keys and values) from there; returns the bytes read.
   */
  long seek(byte[] key, int entries) throws Exception;

  /**
   * Reads every entry in key order, calling {@code onEntry} with each entry's key and value bytes
   * (for progress); returns the number of entries.
   */
  long scan(EntryCounter onEntry) throws Exception;

  /**
   * Writes the memtable to disk and waits for that flush (not for the compactions it may start).
   */
  void flush() throws Exception;

  /**
   * Whether the engine reports background work (flushes, compactions) in progress or pending. The
   * worker also waits until the process stops writing to disk, so an engine that cannot tell may
   * return {@code false}.
   */
  boolean backgroundWorkPending() throws Exception;

  /**
   * The engine's own view of itself (its statistics, by its own names), recorded in the raw results
   * after each write workload for whoever studies the figures; empty if the engine has none.
   */
  default java.util.Map<String, Object> engineStats() throws Exception {
    return java.util.Map.of();
  }

  /** Closes the database; the driver may be opened again afterwards. */
  @Override
  void close() throws Exception;

  /** Receives each entry of a scan. */
  @FunctionalInterface
  interface EntryCounter {
    void onEntry(int keyBytes, int valueBytes);
  }
}
