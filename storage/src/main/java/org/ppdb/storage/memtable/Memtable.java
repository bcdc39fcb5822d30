package org.ppdb.storage.memtable;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import org.ppdb.storage.format.InternalIterator;
import org.ppdb.storage.format.InternalKeys;

/**
 * The in-memory write buffer of the LSM engine: a concurrent skip list ({@link
 * ConcurrentSkipListSet}, Pugh 1990) of records in internal order. One writer at a time (the
 * engine's commit leader) and any number of lock-free readers. Bounded by the engine, which
 * switches it to immutable once {@link #approximateBytes()} exceeds the configured size.
 *
 * <p>Besides the records it tracks the version and sequence bounds of its content, which let a
 * point read skip a whole memtable or table that cannot beat what it already found.
 */
public final class Memtable {
  static final Comparator<MemEntry> ORDER =
      (a, b) ->
          InternalKeys.compare(
              a.key,
              0,
              a.key.length,
              a.version,
              a.seqKind,
              b.key,
              0,
              b.key.length,
              b.version,
              b.seqKind);

  private final ConcurrentSkipListSet<MemEntry> set = new ConcurrentSkipListSet<>(ORDER);
  private final AtomicLong bytes = new AtomicLong();
  private final long walNumber;
  private volatile long versionMax = Long.MIN_VALUE;
  private volatile long seqMin = Long.MAX_VALUE;
  private volatile long seqMax = 0;
  private volatile long count;

  /** A memtable whose records are logged in WAL segments numbered {@code >= walNumber}. */
  public Memtable(long walNumber) {
    this.walNumber = walNumber;
  }

  public long walNumber() {
    return walNumber;
  }

  /** Adds a record. Single writer. */
  public void add(byte[] key, long version, long seq, int kind, long aux, byte[] value) {
    MemEntry e = new MemEntry(key, version, InternalKeys.seqKind(seq, kind), aux, value);
    set.add(e);
    bytes.addAndGet(e.weight());
    if (version > versionMax) {
      versionMax = version;
    }
    if (seq < seqMin) {
      seqMin = seq;
    }
    if (seq > seqMax) {
      seqMax = seq;
    }
    count++;
  }

  public long approximateBytes() {
    return bytes.get();
  }

  public boolean isEmpty() {
    return set.isEmpty();
  }

  public long count() {
    return count;
  }

  public long versionMax() {
    return versionMax;
  }

  public long seqMin() {
    return seqMin;
  }

  public long seqMax() {
    return seqMax;
  }

  /**
   * Offers each record of {@code key} visible at {@code snapshotSeq} to {@code best}, stopping
   * early once versions fall below what {@code best} holds.
   */
  public void get(byte[] key, long snapshotSeq, RecordHolder best) {
    MemEntry probe =
        new MemEntry(key, Long.MAX_VALUE, InternalKeys.seqKind(InternalKeys.SEQ_MAX, 0), 0, null);
    for (MemEntry e = set.ceiling(probe); e != null; e = set.higher(e)) {
      if (!Arrays.equals(e.key, key)) {
        return;
      }
      if (best.found() && e.version < best.version()) {
        return;
      }
      if (InternalKeys.seq(e.seqKind) <= snapshotSeq) {
        best.offer(e.version, InternalKeys.kind(e.seqKind), e.aux, e.value, 0, e.value.length);
      }
    }
  }

  /** Whether any record of {@code key} (any version or sequence) is present. */
  public boolean containsKey(byte[] key, int keyLength) {
    byte[] k = keyLength == key.length ? key : Arrays.copyOf(key, keyLength);
    MemEntry probe =
        new MemEntry(k, Long.MAX_VALUE, InternalKeys.seqKind(InternalKeys.SEQ_MAX, 0), 0, null);
    MemEntry e = set.ceiling(probe);
    return e != null && Arrays.equals(e.key, k);
  }

  /** An iterator in the given direction; weakly consistent (records added meanwhile may appear). */
  public InternalIterator iterator(boolean forward) {
    return new MemIterator(set, forward);
  }

  private static final class MemIterator implements InternalIterator {
    private final ConcurrentSkipListSet<MemEntry> set;
    private final boolean forward;
    private Iterator<MemEntry> it;
    private MemEntry current;

    MemIterator(ConcurrentSkipListSet<MemEntry> set, boolean forward) {
      this.set = set;
      this.forward = forward;
    }

    @Override
    public void seek(byte[] bound) {
      NavigableSet<MemEntry> view;
      if (bound == null) {
        view = forward ? set : set.descendingSet();
      } else {
        MemEntry probe =
            new MemEntry(
                bound, Long.MAX_VALUE, InternalKeys.seqKind(InternalKeys.SEQ_MAX, 0), 0, null);
        view = forward ? set.tailSet(probe, true) : set.headSet(probe, false).descendingSet();
      }
      it = view.iterator();
      current = it.hasNext() ? it.next() : null;
    }

    @Override
    public boolean valid() {
      return current != null;
    }

    @Override
    public void advance() {
      current = it.hasNext() ? it.next() : null;
    }

    @Override
    public byte[] keyBuffer() {
      return current.key;
    }

    @Override
    public int keyLength() {
      return current.key.length;
    }

    @Override
    public long version() {
      return current.version;
    }

    @Override
    public long seqKind() {
      return current.seqKind;
    }

    @Override
    public long aux() {
      return current.aux;
    }

    @Override
    public byte[] valueBuffer() {
      return current.value;
    }

    @Override
    public int valueOffset() {
      return 0;
    }

    @Override
    public int valueLength() {
      return current.value.length;
    }

    @Override
    public void close() {
      it = null;
      current = null;
    }
  }
}
