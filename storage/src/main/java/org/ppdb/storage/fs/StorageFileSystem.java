package org.ppdb.storage.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The file-system seam of the LSM engine (leveldb's {@code Env}): every byte the engine stores or
 * reads goes through it, so tests can inject torn writes, lost unsynced data, forgotten directory
 * entries, bit flips and I/O errors ({@code FaultInjectingFileSystem} in the tests). {@link
 * #local()} is the real file system.
 *
 * <p>Durability model the engine relies on (POSIX): appended bytes are durable after {@link
 * WritableFile#sync()}; a newly created, renamed or deleted name is durable after {@link
 * #syncDirectory} of its parent. Implementations must be thread-safe.
 */
public interface StorageFileSystem {
  /** Creates (or truncates) {@code path} for appending. */
  WritableFile create(Path path) throws IOException;

  /** Opens an existing file for positional reads. */
  ReadableFile openRead(Path path) throws IOException;

  /** Atomically replaces {@code target} by {@code source} (POSIX rename). */
  void rename(Path source, Path target) throws IOException;

  /** Deletes {@code path} if it exists. */
  void delete(Path path) throws IOException;

  /** Whether {@code path} exists. */
  boolean exists(Path path) throws IOException;

  /** File size in bytes. */
  long size(Path path) throws IOException;

  /** Names (not paths) of the entries of {@code directory}, sorted. */
  List<String> list(Path directory) throws IOException;

  /** Creates {@code directory} and missing parents. */
  void createDirectories(Path directory) throws IOException;

  /** Makes the entries of {@code directory} (creations, renames, deletions) durable. */
  void syncDirectory(Path directory) throws IOException;

  /** Creates a hard link {@code link} to {@code existing}. */
  void link(Path existing, Path link) throws IOException;

  /**
   * Takes an exclusive lock on {@code path} (created if needed) so that two engines never open one
   * directory; the returned handle releases it.
   */
  AutoCloseable lock(Path path) throws IOException;

  /**
   * The real file system of the JVM. Table files are read through read-only memory mappings ({@link
   * ReadableFile#mapped()}): the fastest point reads, at the price of a resident set that grows by
   * the table pages read (clean page-cache pages the kernel can still reclaim, but counted in the
   * process's RSS).
   */
  static StorageFileSystem local() {
    return LocalFileSystem.INSTANCE;
  }

  /**
   * The real file system without memory mappings: every table read is a {@code pread} through the
   * engine's block cache, so the resident set stays the heap's (the block cache bounds it), for
   * hosts that account mapped pages against the process.
   */
  static StorageFileSystem localWithoutMapping() {
    return LocalFileSystem.WITHOUT_MAPPING;
  }
}
