package org.ppdb.storage.memory;

import java.util.Iterator;
import java.util.Map;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Record;
import org.ppdb.storage.StorageClosedException;

/**
 * A cursor over a range of the in-memory engine as of a snapshot: it walks the skip list (weakly
 * consistent) and resolves each key's chain at the snapshot's sequence number, which makes the
 * result exact: keys written after the snapshot resolve to nothing, keys changed after it resolve
 * to the version it saw. Not thread-safe.
 */
final class MemoryCursor implements Cursor {
  private final MemorySnapshot snapshot;
  private final Iterator<Map.Entry<ByteKey, Chain>> entries;
  private final boolean withHidden;
  private byte[] key;
  private Record record;
  private boolean exhausted;
  private boolean closed;

  MemoryCursor(
      MemorySnapshot snapshot, Iterator<Map.Entry<ByteKey, Chain>> entries, boolean withHidden) {
    this.snapshot = snapshot;
    this.entries = entries;
    this.withHidden = withHidden;
  }

  @Override
  public boolean next() {
    checkOpen();
    if (exhausted) {
      return false;
    }
    long nowNanos = snapshot.engine().clock().nanoTime();
    long nowMillis = snapshot.engine().clock().epochMillis();
    while (entries.hasNext()) {
      Map.Entry<ByteKey, Chain> entry = entries.next();
      Chain chain = entry.getValue();
      if (chain.purgedAt(nowNanos)) {
        continue;
      }
      Chain.Version version = chain.at(snapshot.sequence());
      if (version == null) {
        continue; // written after the snapshot
      }
      Record candidate = version.record();
      if (!withHidden && !candidate.isLive(nowMillis)) {
        continue;
      }
      key = entry.getKey().bytes;
      record = candidate;
      return true;
    }
    exhausted = true;
    key = null;
    record = null;
    return false;
  }

  @Override
  public byte[] key() {
    return current().clone();
  }

  @Override
  public byte[] value() {
    current();
    return record.value() == null ? null : record.value().clone();
  }

  @Override
  public long version() {
    current();
    return record.version();
  }

  @Override
  public long expiresAtMillis() {
    current();
    return record.expiresAtMillis();
  }

  @Override
  public boolean isTombstone() {
    current();
    return record.tombstone();
  }

  private byte[] current() {
    checkOpen();
    if (key == null) {
      throw new IllegalStateException("cursor: no current entry (call next() first)");
    }
    return key;
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageClosedException("cursor: closed");
    }
    snapshot.checkOpen();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      snapshot.forget(this);
    }
  }
}
