package org.ppdb.storage.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.ppdb.storage.CorruptionException;
import org.ppdb.storage.format.Checksums;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.fs.ReadableFile;

/**
 * Reads records written by {@link LogWriter} and tells a torn tail from real corruption.
 *
 * <p>A crash can leave the end of the last write incomplete (a torn tail: short or garbage bytes
 * after the last good record). Corruption elsewhere is different: good records follow the bad
 * bytes. So, at the first fragment that fails its checks, the reader looks for any well-formed
 * fragment at a later block start; if one exists the damage is in the middle of the log and {@link
 * #next()} throws {@link CorruptionException} naming the file and offset (never silently skipping);
 * if none exists the log ends at the last good record and {@link #tornTailOffset()} reports where.
 * Not thread-safe.
 */
public final class LogReader {
  private final ReadableFile file;
  private final Path path;
  private final long fileNumber;
  private final long fileSize;
  private final byte[] block = new byte[LogWriter.BLOCK_BYTES];
  private long blockStart = -LogWriter.BLOCK_BYTES;
  private int blockLength;
  private long position;
  private long tornTailOffset = -1;
  private long lastRecordEnd;
  private byte[] record = new byte[1024];
  private int recordLength;
  private long blocksRead;

  public LogReader(ReadableFile file, Path path, long fileNumber) throws IOException {
    this.file = file;
    this.path = path;
    this.fileNumber = fileNumber;
    this.fileSize = file.size();
  }

  /**
   * Offset where a torn tail begins, or -1 if the log ended cleanly. Valid once next() returned
   * false.
   */
  public long tornTailOffset() {
    return tornTailOffset;
  }

  /** End offset of the last good record. */
  public long lastRecordEnd() {
    return lastRecordEnd;
  }

  public long blocksRead() {
    return blocksRead;
  }

  /** The current record: {@link #recordBuffer()}[0, {@link #recordLength()}). */
  public byte[] recordBuffer() {
    return record;
  }

  public int recordLength() {
    return recordLength;
  }

  /**
   * Advances to the next record. Returns false at the end of the log (clean or torn tail).
   *
   * @throws CorruptionException if damage is followed by good records
   */
  public boolean next() throws IOException {
    recordLength = 0;
    boolean inRecord = false;
    long recordStart = position;
    while (true) {
      if (position >= fileSize) {
        return endOfLog(inRecord ? recordStart : -1);
      }
      loadBlockAt(position);
      int inBlock = (int) (position - blockStart);
      int left = blockLength - inBlock;
      if (left < LogWriter.HEADER_BYTES) {
        if (blockStart + blockLength < fileSize || blockLength == LogWriter.BLOCK_BYTES) {
          // Padding at a block end: must be zeros.
          for (int i = inBlock; i < blockLength; i++) {
            if (block[i] != 0) {
              return damaged(inRecord ? recordStart : position, "non-zero block padding");
            }
          }
          position = blockStart + LogWriter.BLOCK_BYTES;
          continue;
        }
        return damaged(inRecord ? recordStart : position, "truncated fragment header");
      }
      int length = ((block[inBlock + 4] & 0xff) << 8) | (block[inBlock + 5] & 0xff);
      int type = block[inBlock + 6];
      if (length > left - LogWriter.HEADER_BYTES) {
        return damaged(
            inRecord ? recordStart : position, "fragment length " + length + " past block end");
      }
      int stored = Coding.getInt(block, inBlock);
      int actual = Checksums.get().compute(block, inBlock + 4, 3 + length, fileNumber, position);
      if (stored != actual) {
        return damaged(inRecord ? recordStart : position, "fragment checksum mismatch");
      }
      boolean first = type == LogWriter.TYPE_FULL || type == LogWriter.TYPE_FIRST;
      boolean last = type == LogWriter.TYPE_FULL || type == LogWriter.TYPE_LAST;
      if (type < LogWriter.TYPE_FULL || type > LogWriter.TYPE_LAST || first == inRecord) {
        return damaged(inRecord ? recordStart : position, "unexpected fragment type " + type);
      }
      if (first) {
        recordStart = position;
      }
      if (record.length < recordLength + length) {
        record = Arrays.copyOf(record, Math.max(record.length * 2, recordLength + length));
      }
      System.arraycopy(block, inBlock + LogWriter.HEADER_BYTES, record, recordLength, length);
      recordLength += length;
      position += LogWriter.HEADER_BYTES + length;
      inRecord = true;
      if (last) {
        lastRecordEnd = position;
        return true;
      }
    }
  }

  private boolean endOfLog(long incompleteRecordStart) {
    if (incompleteRecordStart >= 0) {
      tornTailOffset = incompleteRecordStart;
    }
    recordLength = 0;
    return false;
  }

  private boolean damaged(long at, String why) throws IOException {
    long nextBlock = (position / LogWriter.BLOCK_BYTES + 1) * LogWriter.BLOCK_BYTES;
    for (long b = nextBlock; b + LogWriter.HEADER_BYTES <= fileSize; b += LogWriter.BLOCK_BYTES) {
      if (validFragmentAt(b)) {
        throw new CorruptionException(
            path, "log corrupted at offset " + at + " (" + why + "), good records follow at " + b);
      }
    }
    tornTailOffset = at;
    recordLength = 0;
    position = fileSize;
    return false;
  }

  private boolean validFragmentAt(long b) throws IOException {
    loadBlockAt(b);
    if (blockLength < LogWriter.HEADER_BYTES) {
      return false;
    }
    int length = ((block[4] & 0xff) << 8) | (block[5] & 0xff);
    if (length > blockLength - LogWriter.HEADER_BYTES) {
      return false;
    }
    int stored = Coding.getInt(block, 0);
    return stored == Checksums.get().compute(block, 4, 3 + length, fileNumber, b);
  }

  private void loadBlockAt(long pos) throws IOException {
    long start = pos - pos % LogWriter.BLOCK_BYTES;
    if (start == blockStart) {
      return;
    }
    blockStart = start;
    blockLength = (int) Math.min(LogWriter.BLOCK_BYTES, fileSize - start);
    file.readFully(start, block, 0, blockLength);
    blocksRead++;
  }
}
