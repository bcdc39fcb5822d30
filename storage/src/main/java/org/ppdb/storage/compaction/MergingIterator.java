package org.ppdb.storage.compaction;

import java.util.List;
import org.ppdb.storage.format.InternalIterator;
import org.ppdb.storage.format.InternalKeys;

/**
 * Merges child iterators of one direction into one stream in internal order (ascending for forward,
 * descending for reverse) with a binary heap: O(log k) per record for k children. Owns and closes
 * its children. Not thread-safe.
 */
public final class MergingIterator implements InternalIterator {
  private final InternalIterator[] children;
  private final InternalIterator[] heap;
  private final boolean forward;
  private int size;

  public MergingIterator(List<InternalIterator> children, boolean forward) {
    this.children = children.toArray(new InternalIterator[0]);
    this.heap = new InternalIterator[this.children.length];
    this.forward = forward;
  }

  @Override
  public void seek(byte[] bound) {
    size = 0;
    for (InternalIterator c : children) {
      c.seek(bound);
      if (c.valid()) {
        heap[size++] = c;
      }
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  private int cmp(InternalIterator a, InternalIterator b) {
    int c =
        InternalKeys.compare(
            a.keyBuffer(),
            0,
            a.keyLength(),
            a.version(),
            a.seqKind(),
            b.keyBuffer(),
            0,
            b.keyLength(),
            b.version(),
            b.seqKind());
    return forward ? c : -c;
  }

  private void siftDown(int i) {
    InternalIterator x = heap[i];
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        break;
      }
      int r = l + 1;
      int m = r < size && cmp(heap[r], heap[l]) < 0 ? r : l;
      if (cmp(heap[m], x) >= 0) {
        break;
      }
      heap[i] = heap[m];
      i = m;
    }
    heap[i] = x;
  }

  @Override
  public boolean valid() {
    return size > 0;
  }

  @Override
  public void advance() {
    InternalIterator top = heap[0];
    top.advance();
    if (!top.valid()) {
      heap[0] = heap[--size];
      heap[size] = null;
    }
    if (size > 0) {
      siftDown(0);
    }
  }

  @Override
  public byte[] keyBuffer() {
    return heap[0].keyBuffer();
  }

  @Override
  public int keyLength() {
    return heap[0].keyLength();
  }

  @Override
  public long version() {
    return heap[0].version();
  }

  @Override
  public long seqKind() {
    return heap[0].seqKind();
  }

  @Override
  public long aux() {
    return heap[0].aux();
  }

  @Override
  public byte[] valueBuffer() {
    return heap[0].valueBuffer();
  }

  @Override
  public int valueOffset() {
    return heap[0].valueOffset();
  }

  @Override
  public int valueLength() {
    return heap[0].valueLength();
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (InternalIterator c : children) {
      try {
        c.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    size = 0;
    if (first != null) {
      throw first;
    }
  }
}
