package org.ppdb.storage.sstable;

/**
 * Where a {@link Table} keeps decoded blocks between reads: the engine's block cache ({@code
 * org.ppdb.storage.cache.BlockCache}) or {@link #NONE}. Thread-safe.
 */
public interface BlockStore {
  /** The cached block at ({@code fileNumber}, {@code offset}), or null. */
  Block get(long fileNumber, long offset);

  /** Caches a verified block. */
  void put(long fileNumber, long offset, Block block);

  /** No caching. */
  BlockStore NONE =
      new BlockStore() {
        @Override
        public Block get(long fileNumber, long offset) {
          return null;
        }

        @Override
        public void put(long fileNumber, long offset, Block block) {}
      };
}
