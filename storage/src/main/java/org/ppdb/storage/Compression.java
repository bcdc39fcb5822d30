package org.ppdb.storage;

/**
 * Block compression of SSTables. The ids are stored on disk in every block trailer: do not change
 * them.
 */
public enum Compression {
  /** Blocks stored as written. */
  NONE(0),
  /**
   * LZ4 block format (lz4-java, fastest Java implementation available); kept only if it saves >=
   * 1/8.
   */
  LZ4(1);

  private final int id;

  Compression(int id) {
    this.id = id;
  }

  /** The stored id. */
  public int id() {
    return id;
  }

  /** The compression with stored id {@code id}, or {@code null} if unknown. */
  public static Compression ofId(int id) {
    return switch (id) {
      case 0 -> NONE;
      case 1 -> LZ4;
      default -> null;
    };
  }
}
