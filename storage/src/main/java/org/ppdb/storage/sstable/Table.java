package org.ppdb.storage.sstable;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
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
 * demand. Every block is checksum-verified before use; a failure throws {@link CorruptionException}
 * naming the file.
 *
 * <p>Two ways to read data blocks. When the file system offers a view of the file ({@link
 * ReadableFile#mapped()}: a read-only memory mapping for local files), an uncompressed block is
 * copied from the mapping into a buffer the reading thread reuses and searched there, without a
 * system call, an allocation or a block-cache lookup: the operating system's page cache is the
 * cache, as in leveldb with {@code mmap} on 64-bit hosts. Its checksum is verified the first time
 * this open table reads it and remembered in a bitmap (one bit per index entry); {@link #verify()}
 * always recomputes. Compressed blocks go through the {@link BlockStore} (the engine's block
 * cache): copied from the view, verified and decompressed on a miss, shared on a hit. Every block
 * of a file without a view, and every block a compaction reads ({@code fillCache=false}: a stream
 * through whole tables that would leave their pages resident), is read with {@code pread} and
 * verified on each read, through the {@link BlockStore} as before. A mapped file truncated under an
 * open table raises a fault the JVM reports as an {@link InternalError}; it is turned into a {@link
 * CorruptionException} where it surfaces in the copy.
 *
 * <p>Thread-safe. Reference counted: the table cache holds one reference, each reader takes one
 * with {@link #acquire()} and gives it back with {@link #release()}; the file closes when the count
 * reaches zero, so eviction never closes a file under a reader.
 */
public final class Table {
  private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();
  private static final ThreadLocal<ReadScratch> SCRATCH = ThreadLocal.withInitial(ReadScratch::new);
  private static final VarHandle BITS = MethodHandles.arrayElementVarHandle(long[].class);

  private final ReadableFile file;
  private final Path path;
  private final long fileNumber;
  private final BlockStore blocks;
  private final Block index;
  private final byte[] filter;
  // The file's view (null: read through the BlockStore) and, when the index has one entry per
  // restart point as the format requires, one bit per data block whose checksum has been verified
  // in this view (null: verify every read).
  private final ByteBuffer map;
  private final long[] verified;
  // Data blocks of format version 2 end their keys with compact trailers.
  private final boolean compactTrailers;
  private final AtomicInteger refs = new AtomicInteger(1);

  /** A reading thread's reusable iterators and block buffer for {@link #get}. */
  private static final class ReadScratch {
    final BlockIterator index = new BlockIterator();
    final BlockIterator data = new BlockIterator();
    byte[] buffer = new byte[8192];

    byte[] buffer(int length) {
      if (buffer.length < length) {
        buffer = new byte[Math.max(length, buffer.length * 2)];
      }
      return buffer;
    }
  }

  private Table(
      ReadableFile file,
      Path path,
      long fileNumber,
      BlockStore blocks,
      Block index,
      byte[] filter,
      ByteBuffer map,
      long[] verified,
      boolean compactTrailers) {
    this.compactTrailers = compactTrailers;
    this.file = file;
    this.path = path;
    this.fileNumber = fileNumber;
    this.blocks = blocks;
    this.index = index;
    this.filter = filter;
    this.map = map;
    this.verified = verified;
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
      if (version != TableFormat.FORMAT_VERSION
          && version != TableFormat.FORMAT_VERSION_FULL_KEYS) {
        throw new CorruptionException(
            path,
            "table format version "
                + version
                + " (expected: "
                + TableFormat.FORMAT_VERSION_FULL_KEYS
                + " or "
                + TableFormat.FORMAT_VERSION
                + ")");
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
      Block index = new Block(indexBytes, indexBytes.length, path, true, false);
      ByteBuffer map = file.mapped();
      if (map != null && map.capacity() != size) {
        map = null; // not the file we checked: read it with pread
      }
      long[] verified =
          map != null && oneEntryPerRestart(index)
              ? new long[(index.restartCount + 63) >>> 6]
              : null;
      return new Table(
          file,
          path,
          fileNumber,
          blocks,
          index,
          filterBytes,
          map,
          verified,
          version == TableFormat.FORMAT_VERSION);
    } catch (IOException | RuntimeException e) {
      file.close();
      if (e instanceof EOFException) {
        throw new CorruptionException(path, "table truncated", e);
      }
      throw e;
    }
  }

  /**
   * Whether every entry of the index block is a restart point (the format's rule): then an index
   * iterator's {@link BlockIterator#ordinal()} numbers data blocks one to one.
   */
  private static boolean oneEntryPerRestart(Block index) {
    BlockIterator it = new BlockIterator();
    it.reset(index);
    it.first();
    int i = 0;
    while (it.valid()) {
      if (i >= index.restartCount || it.entryOffset() != index.restart(i)) {
        return false;
      }
      i++;
      it.next();
    }
    return i == index.restartCount;
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
  static Block readBlock(
      ReadableFile file, Path path, long fileNumber, long offset, int size, boolean compactTrailers)
      throws IOException {
    byte[] raw = readChecked(file, path, fileNumber, offset, size);
    if ((raw[size] & 0xff) == Compression.NONE.id()) {
      return new Block(raw, size, path, false, compactTrailers);
    }
    byte[] out = decompress(raw, path, offset, size);
    return new Block(out, out.length, path, false, compactTrailers);
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

  /**
   * The data block at {@code offset} (the {@code ordinal}-th of the index, or -1 if unknown), read
   * into {@code scratch}'s buffer when that is not null and the block comes from the file's view
   * (the block is then valid only until the thread's next read).
   */
  Block block(long offset, int size, int ordinal, boolean fillCache, ReadScratch scratch) {
    // Reads that would not fill the cache (compactions) use pread even when the file is mapped:
    // they stream through whole tables once, and mapped pages would stay in the process's resident
    // set until the table closes.
    if (map != null && fillCache) {
      return mappedBlock(offset, size, ordinal, fillCache, scratch);
    }
    Block b = blocks.get(fileNumber, offset);
    if (b != null) {
      return b;
    }
    try {
      b = readBlock(file, path, fileNumber, offset, size, compactTrailers);
    } catch (IOException e) {
      throw new StorageIoException(path + ": read of block at " + offset + " failed", e);
    }
    if (fillCache) {
      blocks.put(fileNumber, offset, b);
    }
    return b;
  }

  private Block mappedBlock(
      long offset, int size, int ordinal, boolean fillCache, ReadScratch scratch) {
    int n = size + TableFormat.BLOCK_TRAILER_BYTES;
    if (offset < 0 || offset + n > map.capacity()) {
      throw new CorruptionException(path, "block at " + offset + " past end of file");
    }
    int compressionId;
    try {
      compressionId = map.get((int) (offset + size)) & 0xff;
    } catch (InternalError e) {
      throw truncatedUnderMapping(e);
    }
    if (compressionId == Compression.NONE.id()) {
      byte[] raw = scratch != null ? scratch.buffer(n) : new byte[n];
      copyVerified(offset, size, ordinal, raw);
      return new Block(raw, size, path, false, compactTrailers);
    }
    Block b = blocks.get(fileNumber, offset);
    if (b != null) {
      return b;
    }
    byte[] raw = new byte[n];
    copyVerified(offset, size, ordinal, raw);
    if (Compression.ofId(compressionId) == null) {
      throw new CorruptionException(path, "unknown compression " + compressionId + " at " + offset);
    }
    byte[] out = decompress(raw, path, offset, size);
    b = new Block(out, out.length, path, false, compactTrailers);
    if (fillCache) {
      blocks.put(fileNumber, offset, b);
    }
    return b;
  }

  /**
   * Copies block and trailer from the view into {@code raw}; checks the checksum once per block.
   */
  private void copyVerified(long offset, int size, int ordinal, byte[] raw) {
    int n = size + TableFormat.BLOCK_TRAILER_BYTES;
    try {
      map.get((int) offset, raw, 0, n);
    } catch (InternalError e) {
      throw truncatedUnderMapping(e);
    }
    long[] bits = verified;
    boolean known = bits != null && ordinal >= 0 && ordinal < index.restartCount;
    long mask = 1L << ordinal;
    if (known && ((long) BITS.getOpaque(bits, ordinal >>> 6) & mask) != 0) {
      return;
    }
    int compressionId = raw[size] & 0xff;
    int stored = Coding.getInt(raw, size + 1);
    int actual = Checksums.get().computeTagged(raw, 0, size, compressionId, fileNumber, offset);
    if (stored != actual) {
      throw new CorruptionException(path, "block checksum mismatch at offset " + offset);
    }
    if (known) {
      // The bytes come from the file, not from the thread that checked them: a reader that sees
      // the bit needs no ordering with that thread, only the file's immutability.
      BITS.getAndBitwiseOr(bits, ordinal >>> 6, mask);
    }
  }

  /** A mapped file shrank under us (SIGBUS, which the JVM raises as an InternalError). */
  private CorruptionException truncatedUnderMapping(InternalError e) {
    return new CorruptionException(path, "table truncated while open", e);
  }

  /** Decodes the block handle in the current index entry and returns the block. */
  Block blockAt(BlockIterator indexIt) {
    return blockAt(indexIt, true);
  }

  /**
   * Like {@link #blockAt(BlockIterator, boolean)}, reading into the thread's scratch buffer where
   * it can.
   */
  private Block blockAt(BlockIterator indexIt, ReadScratch scratch) {
    return blockAt(indexIt, true, scratch);
  }

  /**
   * Like {@link #blockAt(BlockIterator)}; {@code fillCache=false} keeps scans from evicting hot
   * blocks.
   */
  Block blockAt(BlockIterator indexIt, boolean fillCache) {
    return blockAt(indexIt, fillCache, null);
  }

  private Block blockAt(BlockIterator indexIt, boolean fillCache, ReadScratch scratch) {
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
    return block(offset, size, indexIt.ordinal(), fillCache, scratch);
  }

  /**
   * Offers the records of {@code key} visible at {@code snapshotSeq} to {@code best} (the filter
   * must already have admitted the key).
   */
  public void get(byte[] key, long snapshotSeq, RecordHolder best) {
    ReadScratch scratch = SCRATCH.get();
    BlockIterator ix = scratch.index;
    BlockIterator dx = scratch.data;
    ix.reset(index);
    long probeSeqKind = InternalKeys.seqKind(InternalKeys.SEQ_MAX, 0);
    ix.seekGe(key, key.length, Long.MAX_VALUE, probeSeqKind);
    boolean firstBlock = true;
    while (ix.valid()) {
      dx.reset(blockAt(ix, scratch));
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
    if (saved == BlockStore.NONE && verified == null) {
      return blockAt(ix);
    }
    // No verified-block bitmap: verify() checks every checksum again.
    return new Table(
            file, path, fileNumber, BlockStore.NONE, index, filter, map, null, compactTrailers)
        .blockAt(ix);
  }
}
