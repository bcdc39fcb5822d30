package org.ppdb.storage.fs;

import java.io.Closeable;
import java.io.IOException;

/**
 * A file being written sequentially. Not thread-safe: one writer at a time (the engine serialises).
 * Bytes appended are not durable until {@link #sync()} returns.
 */
public interface WritableFile extends Closeable {
  /** Appends {@code length} bytes of {@code buffer} from {@code offset}. */
  void append(byte[] buffer, int offset, int length) throws IOException;

  /** Forces every appended byte to stable storage (fdatasync). */
  void sync() throws IOException;

  /** Bytes appended so far. */
  long size();
}
