package org.ppdb.storage;

/**
 * Hard limits shared by every engine (DESIGN.md, "Data model"). Configured limits may be lower,
 * never higher. Units are last in the names.
 */
public final class StorageLimits {
  /** Largest key, in bytes: 64 KiB. */
  public static final int KEY_BYTES_MAX = 64 * 1024;

  /** Largest value, in bytes: 16 MiB. */
  public static final int VALUE_BYTES_MAX = 16 * 1024 * 1024;

  /** Largest encoded {@link WriteBatch}, in bytes: 64 MiB (one WAL record may not exceed it). */
  public static final int WRITE_BATCH_BYTES_MAX = 64 * 1024 * 1024;

  static {
    if (WRITE_BATCH_BYTES_MAX < KEY_BYTES_MAX + VALUE_BYTES_MAX + 64) {
      throw new AssertionError("a batch must hold at least one largest entry");
    }
  }

  private StorageLimits() {}

  /**
   * Throws {@link LimitExceededException} unless {@code key} (non-null, may be empty) is at most
   * {@code keyBytesMax} bytes.
   */
  public static void checkKey(byte[] key, int keyBytesMax) {
    if (key == null) {
      throw new NullPointerException("key");
    }
    if (key.length > keyBytesMax) {
      throw new LimitExceededException(
          "keyBytes: " + key.length + " (expected: <= " + keyBytesMax + ")");
    }
  }

  /** Throws {@link LimitExceededException} unless {@code value} is small enough. */
  public static void checkValue(byte[] value, int valueBytesMax) {
    if (value == null) {
      throw new NullPointerException("value");
    }
    if (value.length > valueBytesMax) {
      throw new LimitExceededException(
          "valueBytes: " + value.length + " (expected: <= " + valueBytesMax + ")");
    }
  }
}
