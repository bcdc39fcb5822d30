package org.ppdb.storage.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.ppdb.storage.CorruptionException;
import org.ppdb.storage.format.Checksums;
import org.ppdb.storage.fs.ReadableFile;
import org.ppdb.storage.fs.StorageFileSystem;
import org.ppdb.storage.fs.WritableFile;
import org.ppdb.storage.wal.LogReader;
import org.ppdb.storage.wal.LogWriter;

/**
 * The manifest: the durable history of {@link VersionEdit}s that defines the live tables, and the
 * current {@link Version}. Edits are appended to {@code MANIFEST-NNNNNN} (log format, wal.md) and
 * synced before they take effect; a new manifest is made active by atomically replacing {@code
 * CURRENT} (written to a temporary file, synced, renamed, directory synced).
 * docs/formats/manifest.md.
 *
 * <p>Threading: mutating methods are called under the engine's lock; {@link #pin}/{@link #unpin}
 * are thread-safe.
 */
public final class VersionSet {
  public static final String CURRENT = "CURRENT";
  private static final String MANIFEST_PREFIX = "MANIFEST-";

  /**
   * Size at which the manifest is replaced by a fresh one holding a single snapshot record, so that
   * it does not grow without bound in a long-running engine: 4 MiB.
   */
  static final long MANIFEST_ROLL_BYTES = 4L << 20;

  private final StorageFileSystem fs;
  private final Path dir;
  private final int levelsMax;
  private volatile Version current;
  private long logNumber;
  private long nextFileNumber = 2;
  private long lastSequence;
  private long manifestNumber;
  private LogWriter manifest;
  private final Set<Version> pinned = Collections.newSetFromMap(new IdentityHashMap<>());

  public VersionSet(StorageFileSystem fs, Path dir, int levelsMax) {
    this.fs = fs;
    this.dir = dir;
    this.levelsMax = levelsMax;
    this.current = Version.empty(levelsMax);
  }

  public Version current() {
    return current;
  }

  public long logNumber() {
    return logNumber;
  }

  public long lastSequence() {
    return lastSequence;
  }

  public void lastSequence(long seq) {
    lastSequence = seq;
  }

  public long manifestNumber() {
    return manifestNumber;
  }

  /** Allocates a file number. */
  public long newFileNumber() {
    return nextFileNumber++;
  }

  public long peekNextFileNumber() {
    return nextFileNumber;
  }

  public static String manifestName(long number) {
    return String.format("%s%06d", MANIFEST_PREFIX, number);
  }

  /** Whether {@code dir} holds an engine (a CURRENT file). */
  public boolean exists() throws IOException {
    return fs.exists(dir.resolve(CURRENT));
  }

  /**
   * Reads CURRENT and replays the manifest it names.
   *
   * @throws CorruptionException naming CURRENT or the manifest if either is damaged
   */
  public void recover() throws IOException {
    Path currentPath = dir.resolve(CURRENT);
    long size = fs.size(currentPath);
    if (size > 256) {
      throw new CorruptionException(currentPath, "CURRENT of " + size + " bytes");
    }
    byte[] b = new byte[(int) size];
    try (ReadableFile f = fs.openRead(currentPath)) {
      f.readFully(0, b, 0, b.length);
    }
    String text = new String(b, StandardCharsets.US_ASCII);
    // CURRENT = "MANIFEST-NNNNNN <crc32c of the name, 8 hex digits>\n"
    if (!text.endsWith("\n") || text.indexOf(' ') < 0) {
      throw new CorruptionException(currentPath, "malformed CURRENT");
    }
    String name = text.substring(0, text.indexOf(' '));
    String crc = text.substring(text.indexOf(' ') + 1, text.length() - 1);
    byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
    String expected =
        String.format("%08x", Checksums.get().compute(nameBytes, 0, nameBytes.length));
    if (!crc.equals(expected) || !name.startsWith(MANIFEST_PREFIX)) {
      throw new CorruptionException(currentPath, "CURRENT checksum mismatch");
    }
    long number;
    try {
      number = Long.parseLong(name.substring(MANIFEST_PREFIX.length()));
    } catch (NumberFormatException e) {
      throw new CorruptionException(currentPath, "malformed manifest name " + name, e);
    }
    Path manifestPath = dir.resolve(name);
    if (!fs.exists(manifestPath)) {
      throw new CorruptionException(manifestPath, "manifest named by CURRENT is missing");
    }
    Version v = Version.empty(levelsMax);
    boolean sawCounters = false;
    try (ReadableFile f = fs.openRead(manifestPath)) {
      LogReader reader = new LogReader(f, manifestPath, number);
      while (reader.next()) {
        VersionEdit e;
        try {
          e = VersionEdit.decode(reader.recordBuffer(), 0, reader.recordLength(), levelsMax);
        } catch (IllegalArgumentException ex) {
          throw new CorruptionException(manifestPath, "bad version edit: " + ex.getMessage(), ex);
        }
        v = v.apply(e);
        if (e.logNumber >= 0) {
          logNumber = e.logNumber;
        }
        if (e.nextFileNumber >= 0) {
          nextFileNumber = e.nextFileNumber;
          sawCounters = true;
        }
        if (e.lastSequence >= 0) {
          lastSequence = e.lastSequence;
        }
      }
    }
    if (!sawCounters) {
      throw new CorruptionException(manifestPath, "manifest holds no complete snapshot record");
    }
    manifestNumber = number;
    current = v;
  }

  /**
   * Applies {@code edit}: appends it to the manifest, syncs, then installs the new version. Caller
   * holds the engine lock.
   */
  public void logAndApply(VersionEdit edit) throws IOException {
    edit.nextFileNumber(nextFileNumber).lastSequence(lastSequence);
    if (edit.logNumber >= 0) {
      logNumber = edit.logNumber;
    } else {
      edit.logNumber(logNumber);
    }
    byte[] rec = edit.encode();
    manifest.add(rec, 0, rec.length);
    manifest.sync();
    current = current.apply(edit);
    if (manifest.size() >= MANIFEST_ROLL_BYTES) {
      writeNewManifest();
    }
  }

  /** Installs an edit in memory only (recovery, before {@link #writeNewManifest}). */
  public void applyInMemory(VersionEdit edit) {
    if (edit.logNumber >= 0) {
      logNumber = edit.logNumber;
    }
    current = current.apply(edit);
  }

  /**
   * Starts a new manifest holding one snapshot record of the whole state and makes it current by
   * atomically replacing CURRENT. The previous manifest becomes obsolete.
   */
  public void writeNewManifest() throws IOException {
    long number = newFileNumber();
    Path path = dir.resolve(manifestName(number));
    WritableFile file = fs.create(path);
    LogWriter writer = new LogWriter(file, number);
    try {
      VersionEdit snapshot = new VersionEdit();
      snapshot.logNumber(logNumber).nextFileNumber(nextFileNumber).lastSequence(lastSequence);
      Version v = current;
      for (int level = 0; level < v.levelCount(); level++) {
        for (FileMeta f : v.files(level)) {
          snapshot.add(level, f);
        }
      }
      byte[] rec = snapshot.encode();
      writer.add(rec, 0, rec.length);
      writer.sync();
      fs.syncDirectory(dir);
      writeCurrent(fs, dir, number);
    } catch (IOException | RuntimeException e) {
      writer.close();
      throw e;
    }
    LogWriter old = manifest;
    manifest = writer;
    manifestNumber = number;
    if (old != null) {
      old.close();
    }
  }

  /** Writes CURRENT naming manifest {@code number}: temp file, sync, rename, directory sync. */
  public static void writeCurrent(StorageFileSystem fs, Path dir, long number) throws IOException {
    String name = manifestName(number);
    byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
    String text =
        name
            + " "
            + String.format("%08x", Checksums.get().compute(nameBytes, 0, nameBytes.length))
            + "\n";
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    Path tmp = dir.resolve(CURRENT + ".tmp");
    try (WritableFile f = fs.create(tmp)) {
      f.append(bytes, 0, bytes.length);
      f.sync();
    }
    fs.rename(tmp, dir.resolve(CURRENT));
    fs.syncDirectory(dir);
  }

  /** Pins {@code v} (iterators, checkpoints) so its files are not deleted. */
  public synchronized void pin(Version v) {
    if (v.refs.getAndIncrement() == 0) {
      pinned.add(v);
    }
  }

  /** Unpins; returns true if the version is no longer pinned by anyone. */
  public synchronized boolean unpin(Version v) {
    if (v.refs.decrementAndGet() == 0) {
      pinned.remove(v);
      return true;
    }
    return false;
  }

  /** File numbers of the current and every pinned version. */
  public synchronized Set<Long> liveFiles() {
    Set<Long> out = new java.util.HashSet<>();
    current.collectFileNumbers(out);
    for (Version v : pinned) {
      v.collectFileNumbers(out);
    }
    return out;
  }

  public void close() throws IOException {
    if (manifest != null) {
      manifest.close();
      manifest = null;
    }
  }

  /** Reads and checks every record of the current manifest; returns {records, bytes}. */
  public long[] verify() throws IOException {
    Path path = dir.resolve(manifestName(manifestNumber));
    try (ReadableFile f = fs.openRead(path)) {
      LogReader reader = new LogReader(f, path, manifestNumber);
      long n = 0;
      while (reader.next()) {
        VersionEdit.decode(reader.recordBuffer(), 0, reader.recordLength(), levelsMax);
        n++;
      }
      return new long[] {n, f.size()};
    }
  }
}
