package org.ppdb.storage.sstable;

import java.nio.file.Path;
import org.ppdb.storage.CorruptionException;
import org.ppdb.storage.format.Coding;

/**
 * A decoded (verified, decompressed) block: the entry bytes and the restart array, shared read-only
 * by every reader through the block cache. Iterate it with {@link BlockIterator}. Immutable,
 * thread-safe.
 */
public final class Block {
  final byte[] data;
  final int length;
  final int restartsOffset;
  final int restartCount;
  final Path file;
  final RestartFence fence;

  /**
   * Whether entries end their key with a compact trailer (data blocks of format version 2) rather
   * than the 16-byte {@code version ‖ seqKind} (index blocks, and data blocks of version 1).
   */
  final boolean compactTrailers;

  /** An index block, or a data block of format version 1: keys end with the full trailer. */
  Block(byte[] data, int length, Path file) {
    this(data, length, file, false, false);
  }

  /**
   * @param withFence whether to build a {@link RestartFence} (for blocks searched on every read)
   * @param compactTrailers whether entries carry compact trailers (data blocks of version 2)
   */
  Block(byte[] data, int length, Path file, boolean withFence, boolean compactTrailers) {
    this.data = data;
    this.compactTrailers = compactTrailers;
    this.length = length;
    this.file = file;
    if (length < 8) {
      throw new CorruptionException(file, "block of " + length + " bytes (expected: >= 8)");
    }
    restartCount = Coding.getInt(data, length - 4);
    long ro = length - 4 - 4L * restartCount;
    if (restartCount < 1 || ro < 0) {
      throw new CorruptionException(file, "block restart count " + restartCount + " out of bounds");
    }
    restartsOffset = (int) ro;
    int previous = -1;
    for (int i = 0; i < restartCount; i++) {
      int r = restart(i);
      if (r <= previous || r >= restartsOffset && !(i == 0 && r == 0 && restartsOffset == 0)) {
        throw new CorruptionException(file, "block restart " + i + " at " + r + " out of order");
      }
      previous = r;
    }
    fence = withFence ? RestartFence.of(this) : null;
  }

  int restart(int i) {
    return Coding.getInt(data, restartsOffset + 4 * i);
  }

  /** Heap bytes held (for the cache weigher). */
  public int weight() {
    return data.length + 64 + (fence == null ? 0 : fence.weight());
  }
}
