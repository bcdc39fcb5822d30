package org.ppdb.storage.lsm;

import java.util.concurrent.atomic.AtomicBoolean;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageClosedException;

/**
 * A snapshot of the LSM engine: a registered sequence number. Reads filter out records with a
 * higher sequence, and compactions keep what the registered sequence can see. Thread-safe.
 */
final class LsmSnapshot implements Snapshot {
  private final LsmEngine engine;
  private final long seq;
  private final AtomicBoolean closed = new AtomicBoolean();

  LsmSnapshot(LsmEngine engine, long seq) {
    this.engine = engine;
    this.seq = seq;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StorageClosedException("snapshot at sequence " + seq + " is closed");
    }
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    return engine.lookup(key, seq).liveValue(engine.nowMillis());
  }

  @Override
  public Record getRecord(byte[] key) {
    checkOpen();
    return engine.lookup(key, seq).toRecord();
  }

  @Override
  public Cursor scan(byte[] fromInclusive, byte[] toExclusive, Direction direction) {
    checkOpen();
    return engine.cursor(seq, fromInclusive, toExclusive, direction, false);
  }

  @Override
  public Cursor scanRecords(byte[] fromInclusive, byte[] toExclusive, Direction direction) {
    checkOpen();
    return engine.cursor(seq, fromInclusive, toExclusive, direction, true);
  }

  @Override
  public long sequence() {
    return seq;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      engine.releaseSnapshot(seq);
    }
  }
}
