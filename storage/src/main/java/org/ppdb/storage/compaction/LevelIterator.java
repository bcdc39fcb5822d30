package org.ppdb.storage.compaction;

import java.util.Arrays;
import java.util.List;
import org.ppdb.storage.cache.TableCache;
import org.ppdb.storage.format.InternalIterator;
import org.ppdb.storage.manifest.FileMeta;
import org.ppdb.storage.sstable.Table;

/**
 * Concatenates the disjoint, key-ordered files of one level (or a single L0 file) into one
 * iterator, opening each table only when the scan reaches it and releasing it when the scan leaves.
 * Not thread-safe.
 */
public final class LevelIterator implements InternalIterator {
  private final List<FileMeta> files;
  private final TableCache tables;
  private final boolean forward;
  private final boolean fillCache;
  private int index = -1;
  private Table table;
  private InternalIterator it;

  public LevelIterator(List<FileMeta> files, TableCache tables, boolean forward) {
    this(files, tables, forward, true);
  }

  /**
   * With {@code fillCache=false} the blocks read are not added to the block cache (compactions).
   */
  public LevelIterator(
      List<FileMeta> files, TableCache tables, boolean forward, boolean fillCache) {
    this.files = files;
    this.tables = tables;
    this.forward = forward;
    this.fillCache = fillCache;
  }

  @Override
  public void seek(byte[] bound) {
    int i;
    if (bound == null) {
      i = forward ? 0 : files.size() - 1;
    } else if (forward) {
      // First file whose largest key >= bound.
      i = 0;
      while (i < files.size() && Arrays.compareUnsigned(files.get(i).largestKey(), bound) < 0) {
        i++;
      }
    } else {
      // Last file whose smallest key < bound.
      i = files.size() - 1;
      while (i >= 0 && Arrays.compareUnsigned(files.get(i).smallestKey(), bound) >= 0) {
        i--;
      }
    }
    open(i);
    if (it != null) {
      it.seek(bound);
      skipEmpty();
    }
  }

  private void open(int i) {
    closeCurrent();
    index = i;
    if (i < 0 || i >= files.size()) {
      return;
    }
    table = tables.acquire(files.get(i));
    it = table.iterator(forward, fillCache);
  }

  private void skipEmpty() {
    while (it != null && !it.valid()) {
      open(forward ? index + 1 : index - 1);
      if (it != null) {
        it.seek(null);
      }
    }
  }

  private void closeCurrent() {
    if (it != null) {
      it.close();
      it = null;
    }
    if (table != null) {
      table.release();
      table = null;
    }
  }

  @Override
  public boolean valid() {
    return it != null && it.valid();
  }

  @Override
  public void advance() {
    it.advance();
    skipEmpty();
  }

  @Override
  public byte[] keyBuffer() {
    return it.keyBuffer();
  }

  @Override
  public int keyLength() {
    return it.keyLength();
  }

  @Override
  public long version() {
    return it.version();
  }

  @Override
  public long seqKind() {
    return it.seqKind();
  }

  @Override
  public long aux() {
    return it.aux();
  }

  @Override
  public byte[] valueBuffer() {
    return it.valueBuffer();
  }

  @Override
  public int valueOffset() {
    return it.valueOffset();
  }

  @Override
  public int valueLength() {
    return it.valueLength();
  }

  @Override
  public void close() {
    closeCurrent();
  }
}
