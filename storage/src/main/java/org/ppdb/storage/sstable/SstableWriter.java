package org.ppdb.storage.sstable;

import java.io.IOException;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.ppdb.storage.Compression;
import org.ppdb.storage.format.Checksums;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.fs.WritableFile;
import org.ppdb.storage.manifest.FileMeta;

/**
 * Writes one table (docs/formats/sstable.md): data blocks, a filter block, an index block and a
 * footer. Records must be added in internal order. Each block is followed by its compression id and
 * a CRC32C that also covers the file number and the block's offset. Not thread-safe; one per flush
 * or compaction output.
 */
public final class SstableWriter {
  private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();

  private final WritableFile file;
  private final long fileNumber;
  private final int blockBytes;
  private final int bloomBitsPerKey;
  private final Compression compression;
  private final BlockBuilder data;
  private final BlockBuilder index;
  private final byte[] trailer = new byte[BlockIterator.TRAILER_BYTES];
  private final byte[] compactTrailer = new byte[EntryTrailer.BYTES_MAX];
  private final byte[] aux = new byte[8];
  private final byte[] handle = new byte[16];
  private byte[] compressed = new byte[0];
  private final byte[] blockTrailer = new byte[TableFormat.BLOCK_TRAILER_BYTES];
  private long[] hashes = new long[1024];
  private int hashCount;
  private byte[] lastUser = new byte[64];
  private int lastUserLength = -1;
  private byte[] smallest;
  private long offset;
  private long entries;
  private long seqMin = Long.MAX_VALUE;
  private long seqMax;
  private long versionMax = Long.MIN_VALUE;

  public SstableWriter(
      WritableFile file,
      long fileNumber,
      int blockBytes,
      int restartInterval,
      int bloomBitsPerKey,
      Compression compression) {
    this.file = file;
    this.fileNumber = fileNumber;
    this.blockBytes = blockBytes;
    this.bloomBitsPerKey = bloomBitsPerKey;
    this.compression = compression;
    this.data = new BlockBuilder(restartInterval);
    this.index = new BlockBuilder(1);
  }

  /** Bytes written so far plus the pending block (to cut output files at a target size). */
  public long estimatedSize() {
    return offset + data.estimatedSize();
  }

  public long entries() {
    return entries;
  }

  /** Whether {@code user} equals the user key of the last record added. */
  public boolean sameUserKeyAsLast(byte[] user, int userLength) {
    return lastUserLength == userLength
        && Arrays.equals(lastUser, 0, userLength, user, 0, userLength);
  }

  /** Adds a record ({@link org.ppdb.storage.format.InternalIterator} accessors' meaning). */
  public void add(
      byte[] user,
      int userLength,
      long version,
      long seqKind,
      long auxValue,
      byte[] value,
      int valueOffset,
      int valueLength)
      throws IOException {
    if (!sameUserKeyAsLast(user, userLength)) {
      if (hashCount == hashes.length) {
        hashes = Arrays.copyOf(hashes, hashCount * 2);
      }
      hashes[hashCount++] = BloomFilter.hash(user, 0, userLength);
      if (lastUser.length < userLength) {
        lastUser = Arrays.copyOf(lastUser, Math.max(userLength, lastUser.length * 2));
      }
      System.arraycopy(user, 0, lastUser, 0, userLength);
      lastUserLength = userLength;
    }
    if (smallest == null) {
      smallest = Arrays.copyOf(user, userLength);
    }
    Coding.putLong(trailer, 0, version);
    Coding.putLong(trailer, 8, seqKind);
    int kind = InternalKeys.kind(seqKind);
    int auxLength = 0;
    if (kind != InternalKeys.KIND_PUT) {
      Coding.putLong(aux, 0, auxValue);
      auxLength = 8;
    }
    int trailerLength = EntryTrailer.encode(compactTrailer, version, seqKind);
    data.addWithTrailer(
        user,
        userLength,
        compactTrailer,
        trailerLength,
        aux,
        auxLength,
        value,
        valueOffset,
        kind == InternalKeys.KIND_TOMBSTONE ? 0 : valueLength);
    long seq = InternalKeys.seq(seqKind);
    seqMin = Math.min(seqMin, seq);
    seqMax = Math.max(seqMax, seq);
    versionMax = Math.max(versionMax, version);
    entries++;
    if (data.estimatedSize() >= blockBytes) {
      flushDataBlock();
    }
  }

  private void flushDataBlock() throws IOException {
    if (data.isEmpty()) {
      return;
    }
    byte[] last = data.lastKey();
    int lastLength = data.lastKeyLength();
    byte[] lastCopy = Arrays.copyOf(last, lastLength);
    byte[] block = data.finish();
    long blockOffset = offset;
    int size = writeBlock(block, data.finishedSize(), compression);
    int h = Coding.putVarlong(handle, 0, blockOffset);
    h = Coding.putVarint(handle, h, size);
    // The index key is the block's last internal key in full: user key ‖ version ‖ seqKind.
    index.add(lastCopy, lastLength, trailer, BlockIterator.TRAILER_BYTES, handle, h, null, 0, 0);
    data.reset();
  }

  /** Writes a block and its trailer; returns the stored size (without trailer). */
  private int writeBlock(byte[] raw, int rawLength, Compression c) throws IOException {
    byte[] out = raw;
    int outLength = rawLength;
    Compression used = Compression.NONE;
    if (c == Compression.LZ4) {
      int max = 5 + LZ4.maxCompressedLength(rawLength);
      if (compressed.length < max) {
        compressed = new byte[max];
      }
      int p = Coding.putVarint(compressed, 0, rawLength);
      int n = LZ4.compress(raw, 0, rawLength, compressed, p, max - p);
      if (p + n < rawLength - rawLength / 8) {
        out = compressed;
        outLength = p + n;
        used = Compression.LZ4;
      }
    }
    blockTrailer[0] = (byte) used.id();
    Checksums crc = Checksums.get();
    // The checksum covers the stored bytes and the compression id, bound to file number and offset.
    int sum = crc.computeTagged(out, 0, outLength, used.id(), fileNumber, offset);
    Coding.putInt(blockTrailer, 1, sum);
    file.append(out, 0, outLength);
    file.append(blockTrailer, 0, TableFormat.BLOCK_TRAILER_BYTES);
    offset += outLength + TableFormat.BLOCK_TRAILER_BYTES;
    return outLength;
  }

  /** Writes filter, index and footer; returns the file's metadata. Does not sync or close. */
  public FileMeta finish() throws IOException {
    flushDataBlock();
    byte[] filter =
        bloomBitsPerKey == 0 ? new byte[0] : BloomFilter.build(hashes, hashCount, bloomBitsPerKey);
    long filterOffset = offset;
    int filterSize = writeBlock(filter, filter.length, Compression.NONE);
    byte[] indexBlock = index.finish();
    long indexOffset = offset;
    int indexSize = writeBlock(indexBlock, index.finishedSize(), Compression.NONE);
    byte[] footer = new byte[TableFormat.FOOTER_BYTES];
    Coding.putLong(footer, 0, filterOffset);
    Coding.putInt(footer, 8, filterSize);
    Coding.putLong(footer, 12, indexOffset);
    Coding.putInt(footer, 20, indexSize);
    Coding.putLong(footer, 24, fileNumber);
    Coding.putInt(footer, 32, TableFormat.FORMAT_VERSION);
    Coding.putInt(footer, 36, Checksums.get().compute(footer, 0, 36));
    Coding.putLong(footer, 40, TableFormat.MAGIC);
    file.append(footer, 0, footer.length);
    offset += footer.length;
    return new FileMeta(
        fileNumber,
        offset,
        smallest,
        Arrays.copyOf(lastUser, lastUserLength),
        seqMin,
        seqMax,
        versionMax,
        entries);
  }
}
