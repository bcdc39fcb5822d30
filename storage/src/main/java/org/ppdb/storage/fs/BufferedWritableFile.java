package org.ppdb.storage.fs;

import java.io.IOException;

/**
 * A {@link WritableFile} that gathers small appends into one buffer (table writers append a block
 * and its 5-byte trailer separately), so a table costs one system call per {@code bufferBytes}
 * instead of two per block. {@link #sync()} and {@link #close()} write the buffer first. Not
 * thread-safe.
 */
public final class BufferedWritableFile implements WritableFile {
  private final WritableFile file;
  private final byte[] buffer;
  private int used;
  private long size;

  public BufferedWritableFile(WritableFile file, int bufferBytes) {
    if (bufferBytes <= 0) {
      throw new IllegalArgumentException("bufferBytes: " + bufferBytes + " (expected: > 0)");
    }
    this.file = file;
    this.buffer = new byte[bufferBytes];
    this.size = file.size();
  }

  @Override
  public void append(byte[] b, int offset, int length) throws IOException {
    size += length;
    if (length >= buffer.length) {
      drain();
      file.append(b, offset, length);
      return;
    }
    if (used + length > buffer.length) {
      drain();
    }
    System.arraycopy(b, offset, buffer, used, length);
    used += length;
  }

  private void drain() throws IOException {
    if (used > 0) {
      file.append(buffer, 0, used);
      used = 0;
    }
  }

  @Override
  public void sync() throws IOException {
    drain();
    file.sync();
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void close() throws IOException {
    try {
      drain();
    } finally {
      file.close();
    }
  }
}
