package org.ppdb.storage.lsm;

import java.util.Arrays;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.StorageClosedException;
import org.ppdb.storage.compaction.MergingIterator;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.manifest.Version;
import org.ppdb.storage.memtable.RecordHolder;

/**
 * A user-level cursor over the merged records of memtables and tables: for each user key, in the
 * scan's direction, the winner among records visible at the snapshot's sequence (any order of
 * arrival within the key's group works: the winner rule is a total order). Pins its version so that
 * compactions do not delete the tables it reads. Not thread-safe.
 */
final class LsmCursor implements Cursor {
  private final LsmEngine engine;
  private final Version version;
  private final MergingIterator it;
  private final long seq;
  private final byte[] from;
  private final byte[] to;
  private final boolean forward;
  private final boolean records;
  private final RecordHolder holder = new RecordHolder();
  private byte[] groupKey = new byte[64];
  private int groupKeyLength;
  private byte[] key;
  private byte[] value;
  private long entryVersion;
  private long expires;
  private boolean tombstone;
  private boolean positioned;
  private boolean closed;

  LsmCursor(
      LsmEngine engine,
      Version version,
      MergingIterator it,
      long seq,
      byte[] from,
      byte[] to,
      boolean forward,
      boolean records) {
    this.engine = engine;
    this.version = version;
    this.it = it;
    this.seq = seq;
    this.from = from;
    this.to = to;
    this.forward = forward;
    this.records = records;
  }

  @Override
  public boolean next() {
    if (closed || engine.isClosed()) {
      throw new StorageClosedException("cursor is closed");
    }
    if (!positioned) {
      positioned = true;
      it.seek(forward ? from : to);
    }
    long now = engine.nowMillis();
    while (it.valid()) {
      byte[] k = it.keyBuffer();
      int kl = it.keyLength();
      if (forward
          ? to != null && Arrays.compareUnsigned(k, 0, kl, to, 0, to.length) >= 0
          : from != null && Arrays.compareUnsigned(k, 0, kl, from, 0, from.length) < 0) {
        break;
      }
      if (groupKey.length < kl) {
        groupKey = new byte[Math.max(kl, groupKey.length * 2)];
      }
      System.arraycopy(k, 0, groupKey, 0, kl);
      groupKeyLength = kl;
      holder.reset();
      do {
        long sk = it.seqKind();
        if (InternalKeys.seq(sk) <= seq) {
          holder.offer(
              it.version(),
              InternalKeys.kind(sk),
              it.aux(),
              it.valueBuffer(),
              it.valueOffset(),
              it.valueLength());
        }
        it.advance();
      } while (it.valid()
          && Arrays.equals(it.keyBuffer(), 0, it.keyLength(), groupKey, 0, groupKeyLength));
      if (!holder.found()) {
        continue;
      }
      byte[] live = holder.liveValue(now);
      if (live == null && !records) {
        continue;
      }
      key = Arrays.copyOf(groupKey, groupKeyLength);
      entryVersion = holder.version();
      tombstone = holder.kind() == InternalKeys.KIND_TOMBSTONE;
      expires = holder.kind() == InternalKeys.KIND_PUT_EXPIRING ? holder.aux() : 0;
      value = tombstone ? null : holder.toRecord().value();
      return true;
    }
    key = null;
    return false;
  }

  private void checkCurrent() {
    if (key == null) {
      throw new IllegalStateException("cursor is not at an entry (call next() first)");
    }
  }

  @Override
  public byte[] key() {
    checkCurrent();
    return key.clone();
  }

  @Override
  public byte[] value() {
    checkCurrent();
    return value == null ? null : value.clone();
  }

  @Override
  public long version() {
    checkCurrent();
    return entryVersion;
  }

  @Override
  public long expiresAtMillis() {
    checkCurrent();
    return expires;
  }

  @Override
  public boolean isTombstone() {
    checkCurrent();
    return tombstone;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        it.close();
      } finally {
        engine.cursorClosed(version);
      }
    }
  }
}
