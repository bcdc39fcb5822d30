package org.ppdb.bench.storage;

import java.util.List;

/** The engines the storage benchmark can measure, by their short names. */
final class EngineDrivers {
  /** The engine whose figures are reported as {@code ppdb}. */
  static final String ppdb = "ppdb";

  /** The anchor every ppdb figure is compared with. */
  static final String anchor = "rocksdb";

  private EngineDrivers() {}

  static List<String> names() {
    return List.of(ppdb, anchor);
  }

  /** A new, unopened driver for the engine called {@code name}. */
  static EngineDriver create(String name, StorageSettings settings) {
    switch (name) {
      case ppdb:
        return settings.ppdbEngine().equals("memory")
            ? new PpdbMemoryDriver()
            : new PpdbLsmDriver();
      case anchor:
        return new RocksDbDriver();
      default:
        throw new IllegalArgumentException(
            "engine: " + name + " (expected one of: " + String.join(", ", names()) + ")");
    }
  }
}
