package org.ppdb.storage.memory;

import org.ppdb.storage.StorageEngine;

/**
 * Entry point of the bounded in-memory engine: {@code StorageEngine cache =
 * MemoryStorage.open(MemoryOptions.builder().memoryBytes(1L << 30).build())}. The engine keeps no
 * files: everything is lost at close or exit. It suits cache-like use (the memcached role): when
 * the memory limit is reached, entries are evicted by W-TinyLFU and counted in {@link
 * org.ppdb.storage.StorageStats#evictions()}.
 */
public final class MemoryStorage {
  private MemoryStorage() {}

  /** Opens an empty in-memory engine with default options (256 MiB). */
  public static StorageEngine open() {
    return open(MemoryOptions.defaults());
  }

  /** Opens an empty in-memory engine. */
  public static StorageEngine open(MemoryOptions options) {
    return new MemoryEngine(options);
  }
}
