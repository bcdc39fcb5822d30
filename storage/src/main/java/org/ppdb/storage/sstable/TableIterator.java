package org.ppdb.storage.sstable;

import org.ppdb.storage.CorruptionException;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.format.InternalIterator;
import org.ppdb.storage.format.InternalKeys;

/**
 * Two-level iterator over a {@link Table}: the index block chooses data blocks, a {@link
 * BlockIterator} walks each. One direction, fixed at construction. Not thread-safe.
 */
final class TableIterator implements InternalIterator {
  private static final long PROBE_SEQ_KIND = InternalKeys.seqKind(InternalKeys.SEQ_MAX, 0);

  private final Table table;
  private final boolean forward;
  private final boolean fillCache;
  private final BlockIterator ix = new BlockIterator();
  private final BlockIterator dx = new BlockIterator();
  private boolean valid;
  private long aux;
  private int valueOffset;
  private int valueLength;

  TableIterator(Table table, boolean forward, boolean fillCache) {
    this.table = table;
    this.forward = forward;
    this.fillCache = fillCache;
  }

  @Override
  public void seek(byte[] bound) {
    ix.reset(table.index());
    if (forward) {
      if (bound == null) {
        ix.first();
      } else {
        ix.seekGe(bound, bound.length, Long.MAX_VALUE, PROBE_SEQ_KIND);
      }
      if (ix.valid()) {
        dx.reset(table.blockAt(ix, fillCache));
        if (bound == null) {
          dx.first();
        } else {
          dx.seekGe(bound, bound.length, Long.MAX_VALUE, PROBE_SEQ_KIND);
        }
      }
      skipForward();
    } else {
      if (bound != null) {
        ix.seekGe(bound, bound.length, Long.MAX_VALUE, PROBE_SEQ_KIND);
      }
      if (bound == null || !ix.valid()) {
        ix.first();
        ix.last();
        if (ix.valid()) {
          dx.reset(table.blockAt(ix, fillCache));
          dx.last();
        }
      } else {
        dx.reset(table.blockAt(ix, fillCache));
        dx.seekLt(bound, bound.length, Long.MAX_VALUE, PROBE_SEQ_KIND);
      }
      skipBackward();
    }
  }

  private void skipForward() {
    while (ix.valid() && !dx.valid()) {
      ix.next();
      if (ix.valid()) {
        dx.reset(table.blockAt(ix, fillCache));
        dx.first();
      }
    }
    settle();
  }

  private void skipBackward() {
    while (ix.valid() && !dx.valid()) {
      ix.prev();
      if (ix.valid()) {
        dx.reset(table.blockAt(ix, fillCache));
        dx.last();
      }
    }
    settle();
  }

  private void settle() {
    valid = ix.valid() && dx.valid();
    if (!valid) {
      return;
    }
    int kind = InternalKeys.kind(dx.seqKind());
    valueOffset = dx.valueOffset;
    valueLength = dx.valueLength;
    aux = 0;
    if (kind > InternalKeys.KIND_PUT_EXPIRING) {
      throw new CorruptionException(table.path(), "unknown record kind " + kind);
    }
    if (kind != InternalKeys.KIND_PUT) {
      if (valueLength < 8) {
        throw new CorruptionException(table.path(), "record value shorter than its aux field");
      }
      aux = Coding.getLong(dx.data(), valueOffset);
      valueOffset += 8;
      valueLength -= 8;
    }
  }

  @Override
  public boolean valid() {
    return valid;
  }

  @Override
  public void advance() {
    if (forward) {
      dx.next();
      skipForward();
    } else {
      dx.prev();
      skipBackward();
    }
  }

  @Override
  public byte[] keyBuffer() {
    return dx.key;
  }

  @Override
  public int keyLength() {
    return dx.userKeyLength();
  }

  @Override
  public long version() {
    return dx.version();
  }

  @Override
  public long seqKind() {
    return dx.seqKind();
  }

  @Override
  public long aux() {
    return aux;
  }

  @Override
  public byte[] valueBuffer() {
    return dx.data();
  }

  @Override
  public int valueOffset() {
    return valueOffset;
  }

  @Override
  public int valueLength() {
    return valueLength;
  }

  @Override
  public void close() {
    valid = false;
  }
}
