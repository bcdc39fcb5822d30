package org.ppdb.storage.memory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageClosedException;

/**
 * A snapshot of the in-memory engine: a sequence number the engine keeps older versions for until
 * {@link #close()}. Reads walk each key's version chain to the newest version at or below it.
 * Thread-safe; its cursors are not.
 */
final class MemorySnapshot implements Snapshot {
  private final MemoryEngine engine;
  private final long seq;
  private final List<MemoryCursor> cursors = new ArrayList<>();
  private boolean closed;

  MemorySnapshot(MemoryEngine engine, long seq) {
    this.engine = engine;
    this.seq = seq;
  }

  @Override
  public byte[] get(byte[] key) {
    Record record = read(key);
    return record != null && record.isLive(engine.clock().epochMillis())
        ? record.value().clone()
        : null;
  }

  @Override
  public Record getRecord(byte[] key) {
    return MemoryEngine.copy(read(key));
  }

  private Record read(byte[] key) {
    checkOpen();
    return engine.recordAt(key, seq);
  }

  @Override
  public Cursor scan(byte[] fromInclusive, byte[] toExclusive, Direction direction) {
    return open(fromInclusive, toExclusive, direction, false);
  }

  @Override
  public Cursor scanRecords(byte[] fromInclusive, byte[] toExclusive, Direction direction) {
    return open(fromInclusive, toExclusive, direction, true);
  }

  private Cursor open(
      byte[] fromInclusive, byte[] toExclusive, Direction direction, boolean withHidden) {
    Objects.requireNonNull(direction, "direction");
    checkOpen();
    NavigableMap<ByteKey, Chain> range = engine.range(fromInclusive, toExclusive);
    Iterator<Map.Entry<ByteKey, Chain>> entries =
        (direction == Direction.FORWARD ? range : range.descendingMap()).entrySet().iterator();
    MemoryCursor cursor = new MemoryCursor(this, entries, withHidden);
    synchronized (this) {
      checkOpen();
      cursors.add(cursor);
    }
    return cursor;
  }

  @Override
  public long sequence() {
    return seq;
  }

  MemoryEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    List<MemoryCursor> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(cursors);
      cursors.clear();
    }
    open.forEach(MemoryCursor::close);
    engine.release(seq);
  }

  synchronized void forget(MemoryCursor cursor) {
    cursors.remove(cursor);
  }

  synchronized boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (isClosed()) {
      throw new StorageClosedException("snapshot " + seq + ": closed");
    }
    engine.checkOpen();
  }
}
