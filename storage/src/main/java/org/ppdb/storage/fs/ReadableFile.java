package org.ppdb.storage.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file open for positional reads. Thread-safe: concurrent reads at different positions are fine.
 */
public interface ReadableFile extends Closeable {
  /**
   * Reads exactly {@code length} bytes at {@code position} into {@code buffer} at {@code offset}.
   *
   * @throws java.io.EOFException if the file ends first
   */
  void readFully(long position, byte[] buffer, int offset, int length) throws IOException;

  /** File size in bytes. */
  long size() throws IOException;

  /**
   * A read-only view of the whole file (position 0 = file offset 0), valid until {@link #close()},
   * or null when this file system does not offer one (then only {@link #readFully} reads). The
   * caller must not touch the view, nor any buffer derived from it, after closing the file: a
   * memory mapping is unmapped on close. Each call returns the same content; callers read it with
   * absolute gets only (the buffer's position is shared).
   *
   * <p>Reading through the view costs no system call and no copy into the Java heap beyond what the
   * caller copies itself; the pages count towards the process's resident memory while mapped.
   */
  default ByteBuffer mapped() throws IOException {
    return null;
  }
}
