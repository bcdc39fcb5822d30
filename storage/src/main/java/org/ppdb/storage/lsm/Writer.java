package org.ppdb.storage.lsm;

import java.util.concurrent.locks.Condition;
import org.ppdb.storage.WriteBatch;

/** One caller waiting in the commit queue: a single operation or a batch, and its outcome. */
final class Writer {
  final int kind;
  final byte[] key;
  final byte[] value;
  final long version;
  final long expiresAtMillis;
  final WriteBatch batch;
  final int count;
  final long userBytes;
  final Condition signal;
  boolean done;
  RuntimeException error;

  Writer(int kind, byte[] key, byte[] value, long version, long expiresAtMillis, Condition signal) {
    this.kind = kind;
    this.key = key;
    this.value = value;
    this.version = version;
    this.expiresAtMillis = expiresAtMillis;
    this.batch = null;
    this.count = 1;
    this.userBytes = key.length + (value == null ? 0 : value.length);
    this.signal = signal;
  }

  Writer(WriteBatch batch, Condition signal) {
    this.kind = -1;
    this.key = null;
    this.value = null;
    this.version = 0;
    this.expiresAtMillis = 0;
    this.batch = batch;
    this.count = batch.count();
    this.userBytes = batch.byteSize();
    this.signal = signal;
  }

  /** Encoded size of this writer's operations in a WAL record body. */
  int encodedBytes() {
    if (batch != null) {
      return batch.byteSize();
    }
    return 1 + 5 + key.length + 8 + 8 + 5 + (value == null ? 0 : value.length);
  }
}
