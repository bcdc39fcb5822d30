package org.ppdb.storage.wal;

import java.io.IOException;
import java.util.Arrays;
import org.ppdb.storage.format.Checksums;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.fs.WritableFile;

/**
 * Writes records in the log format of docs/formats/wal.md (leveldb's log format, with checksums
 * that also bind each fragment to its file number and offset): the file is a sequence of 32 KiB
 * blocks; a record is cut into fragments that never cross a block boundary, each with a 7-byte
 * header {@code crc32c u32, length u16, type u8}. Used for WAL segments and for the manifest.
 *
 * <p>One {@link #add} assembles all fragments of a record in a reusable buffer and appends them
 * with a single write, so a group commit costs one system call. Not thread-safe: the engine's
 * commit leader owns it.
 */
public final class LogWriter implements AutoCloseable {
  public static final int BLOCK_BYTES = 32 * 1024;
  public static final int HEADER_BYTES = 7;
  static final int TYPE_FULL = 1;
  static final int TYPE_FIRST = 2;
  static final int TYPE_MIDDLE = 3;
  static final int TYPE_LAST = 4;

  private final WritableFile file;
  private final long fileNumber;
  private long position;
  private byte[] out = new byte[BLOCK_BYTES + HEADER_BYTES];

  public LogWriter(WritableFile file, long fileNumber) {
    this.file = file;
    this.fileNumber = fileNumber;
    this.position = file.size();
  }

  public long fileNumber() {
    return fileNumber;
  }

  /** Bytes written so far (the file size). */
  public long size() {
    return position;
  }

  /** Appends one record; returns the bytes written including headers and padding. */
  public int add(byte[] payload, int offset, int length) throws IOException {
    int worst =
        length + (length / (BLOCK_BYTES - HEADER_BYTES) + 2) * (HEADER_BYTES + HEADER_BYTES);
    if (out.length < worst) {
      out = Arrays.copyOf(out, Math.max(worst, out.length * 2));
    }
    Checksums crc = Checksums.get();
    int o = 0;
    long pos = position;
    int left = length;
    int p = offset;
    boolean begin = true;
    do {
      int blockLeft = (int) (BLOCK_BYTES - pos % BLOCK_BYTES);
      if (blockLeft < HEADER_BYTES) {
        Arrays.fill(out, o, o + blockLeft, (byte) 0);
        o += blockLeft;
        pos += blockLeft;
        blockLeft = BLOCK_BYTES;
      }
      int avail = blockLeft - HEADER_BYTES;
      int n = Math.min(left, avail);
      boolean end = n == left;
      int type = begin && end ? TYPE_FULL : begin ? TYPE_FIRST : end ? TYPE_LAST : TYPE_MIDDLE;
      out[o + 4] = (byte) (n >>> 8);
      out[o + 5] = (byte) n;
      out[o + 6] = (byte) type;
      System.arraycopy(payload, p, out, o + HEADER_BYTES, n);
      Coding.putInt(out, o, crc.compute(out, o + 4, 3 + n, fileNumber, pos));
      o += HEADER_BYTES + n;
      pos += HEADER_BYTES + n;
      p += n;
      left -= n;
      begin = false;
    } while (left > 0);
    file.append(out, 0, o);
    position = pos;
    return o;
  }

  /** Forces written records to stable storage. */
  public void sync() throws IOException {
    file.sync();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
