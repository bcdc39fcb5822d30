package org.ppdb.storage.sstable;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.ppdb.storage.Compression;
import org.ppdb.storage.CorruptionException;
import org.ppdb.storage.StorageIoException;
import org.ppdb.storage.format.Checksums;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.format.InternalIterator;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.fs.ReadableFile;
import org.ppdb.storage.fs.StorageFileSystem;
import org.ppdb.storage.memtable.RecordHolder;

/**
 * An open table: its file, its index block and its Bloom filter in memory, data blocks read on
 * demand through the {@link BlockStore}. Every block read is checksum-verified before use; a
 * failure throws {@link CorruptionException} naming the file.
 *
 * <p>Thread-safe. Reference counted: the table cache holds one reference, each reader takes one
 * with {@link #acquire()} and gives it back with {@link #release()}; the file closes when the count
 * reaches zero, so eviction never closes a file under a reader.
 */
public final class Table {
  private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();
  private static final ThreadLocal<BlockIterator[]> SCRATCH =
      ThreadLocal.withInitial(() -> new BlockIterator[] {new BlockIterator(), new BlockIterator()});

  private final ReadableFile file;
  private final Path path;
  private final long fileNumber;
  private final BlockStore blocks;
  private final Block index;
  private final byte[] filter;
  private final AtomicInteger refs = new AtomicInteger(1);

  private Table(
      ReadableFile file,
      Path path,
      long fileNumber,
      BlockStore blocks,
      Block index,
      byte[] filter) {
    this.file = file;
    this.path = path;
    this.fileNumber = fileNumber;
    this.blocks = blocks;
    this.index = index;
    this.filter = filter;
  }

  /**
   * Opens the table {@code path}, checking its size, footer, index and filter.
   *
   * @param expectedSize the size recorded in the manifest, or -1 to skip that check
   */
  public static Table open(
      StorageFileSystem fs, Path path, long fileNumber, long expectedSize, BlockStore blocks)
      throws IOException {
    ReadableFile file = fs.openRead(path);
    try {
      long size = file.size();
      if (expectedSize >= 0 && size != expectedSize) {
        throw new CorruptionException(
            path, "table size " + size + " (expected: " + expectedSize + " from the manifest)");
      }
      if (size < TableFormat.FOOTER_BYTES) {
        throw new CorruptionException(path, "table of " + size + " bytes has no footer");
      }
      byte[] footer = new byte[TableFormat.FOOTER_BYTES];
      file.readFully(size - TableFormat.FOOTER_BYTES, footer, 0, footer.length);
      if (Coding.getLong(footer, 40) != TableFormat.MAGIC) {
        throw new CorruptionException(path, "bad table magic");
      }
      if (Coding.getInt(footer, 36) != Checksums.get().compute(footer, 0, 36)) {
        throw new CorruptionException(path, "footer checksum mismatch");
      }
      int version = Coding.getInt(footer, 32);
      if (version != TableFormat.FORMAT_VERSION) {
        throw new CorruptionException(path, "table format version " + version + " (expected: 1)");
      }
      long storedNumber = Coding.getLong(footer, 24);
      if (storedNumber != fileNumber) {
        throw new CorruptionException(
            path, "footer names file " + storedNumber + " (expected: " + fileNumber + ")");
      }
      long filterOffset = Coding.getLong(footer, 0);
      int filterSize = Coding.getInt(footer, 8);
      long indexOffset = Coding.getLong(footer, 12);
      int indexSize = Coding.getInt(footer, 20);
      long dataEnd = size - TableFormat.FOOTER_BYTES;
      checkHandle(path, filterOffset, filterSize, dataEnd);
      checkHandle(path, indexOffset, indexSize, dataEnd);
      byte[] filterBytes = readVerified(file, path, fileNumber, filterOffset, filterSize);
      byte[] indexBytes = readVerified(file, path, fileNumber, indexOffset, indexSize);
      Block index = new Block(indexBytes, indexBytes.length, path, true);
      return new Table(file, path, fileNumber, blocks, index, filterBytes);
    } catch (IOException | RuntimeException e) {
      file.close();
      if (e instanceof EOFException) {
        throw new CorruptionException(path, "table truncated", e);
      }
      throw e;
    }
  }

  private static void checkHandle(Path path, long offset, long size, long limit) {
    if (offset < 0 || size < 0 || offset + size + TableFormat.BLOCK_TRAILER_BYTES > limit) {
      throw new CorruptionException(path, "block handle " + offset + "+" + size + " out of bounds");
    }
  }

  /** Reads, verifies and decompresses the block at {@code offset}. */
  static byte[] readVerified(ReadableFile file, Path path, long fileNumber, long offset, int size)
      throws IOException {
    byte[] raw = readChecked(file, path, fileNumber, offset, size);
    if ((raw[size] & 0xff) == Compression.NONE.id()) {
      return java.util.Arrays.copyOf(raw, size);
    }
    return decompress(raw, path, offset, size);
  }

  /**
   * Reads, verifies and decompresses the data block at {@code offset}; an uncompressed block keeps
   * the read buffer (trailer included, past the block's length) rather than copying it.
   */
  static Block readBlock(ReadableFile file, Path path, long fileNumber, long offset, int size)
      throws IOException {
    byte[] raw = readChecked(file, path, fileNumber, offset, size);
    if ((raw[size] & 0xff) == Compression.NONE.id()) {
      return new Block(raw, size, path);
    }
    byte[] out = decompress(raw, path, offset, size);
    return new Block(out, out.length, path);
  }

  /** Reads the block and its trailer, checks the checksum and the compression id; returns both. */
  private static byte[] readChecked(
      ReadableFile file, Path path, long fileNumber, long offset, int size) throws IOException {
    byte[] raw = new byte[size + TableFormat.BLOCK_TRAILER_BYTES];
    try {
      file.readFully(offset, raw, 0, raw.length);
    } catch (EOFException e) {
      throw new CorruptionException(path, "block at " + offset + " past end of file", e);
    }
    int compressionId = raw[size] & 0xff;
    int stored = Coding.getInt(raw, size + 1);
    int actual = Checksums.get().computeTagged(raw, 0, size, compressionId, fileNumber, offset);
    if (stored != actual) {
      throw new CorruptionException(path, "block checksum mismatch at offset " + offset);
    }
    Compression c = Compression.ofId(compressionId);
    if (c == null) {
      throw new CorruptionException(path, "unknown compression " + compressionId + " at " + offset);
    }
    return raw;
  }

  private static byte[] decompress(byte[] raw, Path path, long offset, int size) {
    int p = 0;
    int rawLength = 0;
    for (int shift = 0; ; shift += 7) {
      if (p >= size || shift > 28) {
        throw new CorruptionException(path, "bad compressed length at " + offset);
      }
      int b = raw[p++] & 0xff;
      rawLength |= (b & 0x7f) << shift;
      if (b < 0x80) {
        break;
      }
    }
    if (rawLength < 0 || rawLength > (64 << 20)) {
      throw new CorruptionException(path, "compressed block length " + rawLength + " at " + offset);
    }
    byte[] out = new byte[rawLength];
    try {
      int n = LZ4.decompress(raw, p, size - p, out, 0, rawLength);
      if (n != rawLength) {
        throw new CorruptionException(path, "short decompressed block at " + offset);
      }
    } catch (LZ4Exception e) {
      throw new CorruptionException(path, "undecodable LZ4 block at " + offset, e);
    }
    return out;
  }

  public long fileNumber() {
    return fileNumber;
  }

  public Path path() {
    return path;
  }

  /** Heap bytes pinned by this open table (index and filter), for the table cache weigher. */
  public int weight() {
    return index.weight() + filter.length + 256;
  }

  /**
   * Takes a reference; returns false if the table is already closed (reopen it through the cache).
   */
  public boolean acquire() {
    while (true) {
      int r = refs.get();
      if (r <= 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** Gives back a reference; closes the file at zero. */
  public void release() {
    if (refs.decrementAndGet() == 0) {
      try {
        file.close();
      } catch (IOException e) {
        // Closing a read-only file cannot lose data; nothing to report.
      }
    }
  }

  /** Whether the filter admits a key with this {@link BloomFilter#hash}. */
  public boolean mayContain(long hash) {
    return BloomFilter.mayContain(filter, 0, filter.length, hash);
  }

  Block block(long offset, int size, boolean fillCache) {
    Block b = blocks.get(fileNumber, offset);
    if (b != null) {
      return b;
    }
    try {
      b = readBlock(file, path, fileNumber, offset, size);
    } catch (IOException e) {
      throw new StorageIoException(path + ": read of block at " + offset + " failed", e);
    }
    if (fillCache) {
      blocks.put(fileNumber, offset, b);
    }
    return b;
  }

  /** Decodes the block handle in the current index entry and returns the block. */
  Block blockAt(BlockIterator indexIt) {
    return blockAt(indexIt, true);
  }

  /**
   * Like {@link #blockAt(BlockIterator)}; {@code fillCache=false} keeps scans from evicting hot
   * blocks.
   */
  Block blockAt(BlockIterator indexIt, boolean fillCache) {
    byte[] d = indexIt.data();
    int p = indexIt.valueOffset;
    int end = p + indexIt.valueLength;
    long offset = 0;
    int shift = 0;
    while (true) {
      if (p >= end || shift > 63) {
        throw new CorruptionException(path, "bad block handle in index");
      }
      int b = d[p++] & 0xff;
      offset |= (long) (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) {
        break;
      }
    }
    int size = 0;
    shift = 0;
    while (true) {
      if (p >= end || shift > 28) {
        throw new CorruptionException(path, "bad block handle in index");
      }
      int b = d[p++] & 0xff;
      size |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) {
        break;
      }
    }
    if (offset < 0 || size < 0) {
      throw new CorruptionException(path, "bad block handle in index");
    }
    return block(offset, size, fillCache);
  }

  /**
   * Offers the records of {@code key} visible at {@code snapshotSeq} to {@code best} (the filter
   * must already have admitted the key).
   */
  public void get(byte[] key, long snapshotSeq, RecordHolder best) {
    BlockIterator[] its = SCRATCH.get();
    BlockIterator ix = its[0];
    BlockIterator dx = its[1];
    ix.reset(index);
    long probeSeqKind = InternalKeys.seqKind(InternalKeys.SEQ_MAX, 0);
    ix.seekGe(key, key.length, Long.MAX_VALUE, probeSeqKind);
    boolean firstBlock = true;
    while (ix.valid()) {
      dx.reset(blockAt(ix));
      if (firstBlock) {
        dx.seekGe(key, key.length, Long.MAX_VALUE, probeSeqKind);
        firstBlock = false;
      } else {
        dx.first();
      }
      while (dx.valid()) {
        int ul = dx.userKeyLength();
        if (!java.util.Arrays.equals(dx.key, 0, ul, key, 0, key.length)) {
          return;
        }
        long version = dx.version();
        if (best.found() && version < best.version()) {
          return;
        }
        long seqKind = dx.seqKind();
        if (InternalKeys.seq(seqKind) <= snapshotSeq) {
          offer(dx, version, seqKind, best);
        }
        dx.next();
      }
      ix.next();
    }
  }

  private void offer(BlockIterator dx, long version, long seqKind, RecordHolder best) {
    int kind = InternalKeys.kind(seqKind);
    byte[] d = dx.data();
    int vo = dx.valueOffset;
    int vl = dx.valueLength;
    long aux = 0;
    if (kind != InternalKeys.KIND_PUT) {
      if (vl < 8) {
        throw new CorruptionException(path, "record value shorter than its expiry field");
      }
      aux = Coding.getLong(d, vo);
      vo += 8;
      vl -= 8;
    }
    if (kind > InternalKeys.KIND_PUT_EXPIRING) {
      throw new CorruptionException(path, "unknown record kind " + kind);
    }
    best.offer(version, kind, aux, d, vo, vl);
  }

  /**
   * A new iterator over all records (take a reference first; close it to drop nothing: no state).
   */
  public InternalIterator iterator(boolean forward) {
    return new TableIterator(this, forward, true);
  }

  /** An iterator that does not add the blocks it reads to the block cache (compactions). */
  public InternalIterator iterator(boolean forward, boolean fillCache) {
    return new TableIterator(this, forward, fillCache);
  }

  Block index() {
    return index;
  }

  /**
   * Reads and verifies every block bypassing the cache; returns {blocks, bytes}.
   *
   * @throws CorruptionException at the first damaged block
   */
  public long[] verify() {
    BlockIterator ix = new BlockIterator();
    ix.reset(index);
    ix.first();
    long count = 2;
    long bytes = index.length + filter.length;
    BlockIterator dx = new BlockIterator();
    while (ix.valid()) {
      Block b = blockAtUncached(ix);
      dx.reset(b);
      dx.first();
      while (dx.valid()) {
        dx.next();
      }
      count++;
      bytes += b.length;
      ix.next();
    }
    return new long[] {count, bytes};
  }

  private Block blockAtUncached(BlockIterator ix) {
    BlockStore saved = blocks;
    if (saved == BlockStore.NONE) {
      return blockAt(ix);
    }
    return new Table(file, path, fileNumber, BlockStore.NONE, index, filter).blockAt(ix);
  }
}
