package org.ppdb.storage.lsm;

import org.ppdb.storage.WriteBatch;

/**
 * One caller waiting in the commit queue: a single operation or a batch, and its outcome. The
 * caller parks until a leader marks it {@link #done} or makes it the {@link #head} of the queue.
 */
final class Writer {
  final int kind;
  final byte[] key;
  final byte[] value;
  final long version;
  final long expiresAtMillis;
  final WriteBatch batch;
  final int count;
  final long userBytes;
  final Thread thread;
  // Written by the leader that completes this writer (error first), read by the waiting thread
  // without the engine lock.
  volatile boolean done;
  volatile boolean head;
  volatile RuntimeException error;

  Writer(int kind, byte[] key, byte[] value, long version, long expiresAtMillis, Thread thread) {
    this.kind = kind;
    this.key = key;
    this.value = value;
    this.version = version;
    this.expiresAtMillis = expiresAtMillis;
    this.batch = null;
    this.count = 1;
    this.userBytes = key.length + (value == null ? 0 : value.length);
    this.thread = thread;
  }

  Writer(WriteBatch batch, Thread thread) {
    this.kind = -1;
    this.key = null;
    this.value = null;
    this.version = 0;
    this.expiresAtMillis = 0;
    this.batch = batch;
    this.count = batch.count();
    this.userBytes = batch.byteSize();
    this.thread = thread;
  }

  /** Encoded size of this writer's operations in a WAL record body. */
  int encodedBytes() {
    if (batch != null) {
      return batch.byteSize();
    }
    return WriteBatch.OPERATION_OVERHEAD_BYTES_MAX
        + key.length
        + (value == null ? 0 : value.length);
  }
}
