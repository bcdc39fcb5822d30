package org.ppdb.storage.fs;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * An in-memory {@link StorageFileSystem} that models what a power failure does to a POSIX file
 * system, and injects I/O errors.
 *
 * <p>Each file keeps the bytes it had at its last {@code sync} apart from later appends; each
 * directory keeps the set of names it had at its last {@code syncDirectory}. {@link #powerLoss}
 * replaces the state by what a disk could hold after a crash: only names made durable by a
 * directory sync survive (files created since are forgotten, deletions and renames since are
 * undone), each file keeps its synced bytes plus possibly a prefix of its unsynced bytes cut at a
 * 512-byte boundary (a torn last write). Handles opened before the crash fail afterwards.
 *
 * <p>Errors: {@link #failAfter} makes the n-th next operation of a kind throw {@link IOException}.
 * Thread-safe (one lock).
 */
public final class FaultInjectingFileSystem implements StorageFileSystem {
  /** Kinds of operation that can be failed. */
  public enum Op {
    WRITE,
    SYNC,
    READ,
    RENAME,
    CREATE
  }

  private static final class Node {
    byte[] data = new byte[0];
    int length;
    int synced;
  }

  private final Map<Path, Node> files = new HashMap<>();
  private final Map<Path, Map<String, Node>> durableNames = new HashMap<>();
  private final Set<Path> dirs = new HashSet<>();
  private final Set<Path> locks = new HashSet<>();
  private final Map<Op, Integer> failCountdown = new HashMap<>();
  private final Map<Op, Integer> opCounts = new HashMap<>();
  private int generation;
  private int crashCountdown = -1;
  private boolean syncIsNoop;
  private boolean mapReads;

  /** Makes every sync free and durable-by-default (for fast model tests): no crash semantics. */
  public FaultInjectingFileSystem syncIsNoop(boolean v) {
    syncIsNoop = v;
    return this;
  }

  /**
   * Makes files opened for reading offer a {@link ReadableFile#mapped() view} (a read-only copy of
   * their bytes at the first call), as the local file system's memory mappings do, so that tests
   * exercise the engine's mapped read path. Reads through a view cannot be failed: leave this off
   * to inject read errors.
   */
  public FaultInjectingFileSystem mapReads(boolean v) {
    mapReads = v;
    return this;
  }

  /** Makes the {@code n}-th next operation of kind {@code op} (1 = the next one) fail. */
  public synchronized void failAfter(Op op, int n) {
    failCountdown.put(op, n);
  }

  /**
   * After {@code n} more mutating operations (create, append, sync, rename, delete, directory
   * sync), every operation fails as if the machine had died; call {@link #powerLoss} next. 0 = now.
   */
  public synchronized void crashAfter(int n) {
    crashCountdown = n;
  }

  /** Whether the simulated machine has died (operations fail until {@link #powerLoss}). */
  public synchronized boolean crashed() {
    return crashCountdown == 0;
  }

  private void mutation(Path p) throws IOException {
    if (crashCountdown == 0) {
      throw new IOException("simulated crash: " + p + " unreachable");
    }
    if (crashCountdown > 0) {
      crashCountdown--;
      if (crashCountdown == 0) {
        throw new IOException("simulated crash during an operation on " + p);
      }
    }
  }

  /** Removes pending failures. */
  public synchronized void clearFailures() {
    failCountdown.clear();
  }

  /** Operations of a kind performed so far. */
  public synchronized int count(Op op) {
    return opCounts.getOrDefault(op, 0);
  }

  private void maybeFail(Op op, Path path) throws IOException {
    opCounts.merge(op, 1, Integer::sum);
    Integer n = failCountdown.get(op);
    if (n != null) {
      if (n <= 1) {
        failCountdown.remove(op);
        throw new IOException("injected " + op + " failure on " + path);
      }
      failCountdown.put(op, n - 1);
    }
  }

  private Path norm(Path p) {
    return p.toAbsolutePath().normalize();
  }

  /**
   * Simulates a power failure: keeps only durable names, synced bytes and, per file, a random
   * prefix of the unsynced bytes ending on a 512-byte boundary (or all of them, or none).
   */
  public synchronized void powerLoss(RandomGenerator random) {
    generation++;
    crashCountdown = -1;
    locks.clear();
    if (syncIsNoop) {
      return;
    }
    Map<Path, Node> survivors = new HashMap<>();
    Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Map.Entry<Path, Map<String, Node>> d : durableNames.entrySet()) {
      for (Map.Entry<String, Node> e : d.getValue().entrySet()) {
        Node n = e.getValue();
        if (seen.add(n)) {
          int unsynced = n.length - n.synced;
          int keep = 0;
          if (unsynced > 0) {
            int choice = random.nextInt(3);
            if (choice == 1) {
              keep = unsynced;
            } else if (choice == 2) {
              // Torn: the surviving part ends at a 512-byte boundary of the file.
              int end = n.synced + random.nextInt(unsynced + 1);
              end = Math.max(n.synced, end - end % 512);
              keep = end - n.synced;
            }
          }
          n.length = n.synced + keep;
          n.synced = n.length;
        }
        survivors.put(d.getKey().resolve(e.getKey()), n);
      }
    }
    files.clear();
    files.putAll(survivors);
  }

  /** Direct access for corruption tests: the current bytes of a file. */
  public synchronized byte[] contents(Path path) throws IOException {
    Node n = files.get(norm(path));
    if (n == null) {
      throw new NoSuchFileException(path.toString());
    }
    return Arrays.copyOf(n.data, n.length);
  }

  /** Replaces the bytes of a file (durably), for corruption tests. */
  public synchronized void replaceContents(Path path, byte[] bytes) throws IOException {
    Node n = files.get(norm(path));
    if (n == null) {
      throw new NoSuchFileException(path.toString());
    }
    n.data = bytes.clone();
    n.length = bytes.length;
    n.synced = bytes.length;
  }

  private void checkParent(Path p) throws IOException {
    if (!dirs.contains(p.getParent())) {
      throw new NoSuchFileException(p.getParent().toString());
    }
  }

  @Override
  public synchronized WritableFile create(Path path) throws IOException {
    Path p = norm(path);
    mutation(p);
    maybeFail(Op.CREATE, p);
    checkParent(p);
    Node n = files.get(p);
    if (n == null) {
      n = new Node();
      files.put(p, n);
      if (syncIsNoop) {
        durable(p.getParent()).put(p.getFileName().toString(), n);
      }
    } else {
      n.length = 0;
      n.synced = syncIsNoop ? 0 : Math.min(n.synced, 0);
    }
    Node node = n;
    int gen = generation;
    return new WritableFile() {
      private long size;

      @Override
      public void append(byte[] buffer, int offset, int length) throws IOException {
        synchronized (FaultInjectingFileSystem.this) {
          check(gen, p);
          mutation(p);
          maybeFail(Op.WRITE, p);
          if (node.data.length < node.length + length) {
            node.data =
                Arrays.copyOf(node.data, Math.max(node.length + length, node.data.length * 2));
          }
          System.arraycopy(buffer, offset, node.data, node.length, length);
          node.length += length;
          if (syncIsNoop) {
            node.synced = node.length;
          }
          size += length;
        }
      }

      @Override
      public void sync() throws IOException {
        synchronized (FaultInjectingFileSystem.this) {
          check(gen, p);
          mutation(p);
          maybeFail(Op.SYNC, p);
          node.synced = node.length;
        }
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public void close() {}
    };
  }

  private void check(int gen, Path p) throws IOException {
    if (gen != generation) {
      throw new IOException("handle of " + p + " died in a power loss");
    }
  }

  private Map<String, Node> durable(Path dir) {
    return durableNames.computeIfAbsent(dir, d -> new HashMap<>());
  }

  @Override
  public synchronized ReadableFile openRead(Path path) throws IOException {
    Path p = norm(path);
    Node n = files.get(p);
    if (n == null) {
      throw new NoSuchFileException(p.toString());
    }
    int gen = generation;
    boolean mapping = mapReads;
    return new ReadableFile() {
      private ByteBuffer view;

      @Override
      public ByteBuffer mapped() throws IOException {
        if (!mapping) {
          return null;
        }
        synchronized (FaultInjectingFileSystem.this) {
          check(gen, p);
          if (view == null) {
            view = ByteBuffer.wrap(Arrays.copyOf(n.data, n.length)).asReadOnlyBuffer();
          }
          return view;
        }
      }

      @Override
      public void readFully(long position, byte[] buffer, int offset, int length)
          throws IOException {
        synchronized (FaultInjectingFileSystem.this) {
          check(gen, p);
          if (crashCountdown == 0) {
            throw new IOException("simulated crash: " + p + " unreachable");
          }
          maybeFail(Op.READ, p);
          if (position < 0 || position + length > n.length) {
            throw new EOFException(
                p + ": read of " + length + " at " + position + " past " + n.length);
          }
          System.arraycopy(n.data, (int) position, buffer, offset, length);
        }
      }

      @Override
      public long size() {
        synchronized (FaultInjectingFileSystem.this) {
          return n.length;
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public synchronized void rename(Path source, Path target) throws IOException {
    Path s = norm(source);
    Path t = norm(target);
    mutation(s);
    maybeFail(Op.RENAME, s);
    Node n = files.remove(s);
    if (n == null) {
      throw new NoSuchFileException(s.toString());
    }
    files.put(t, n);
    if (syncIsNoop) {
      durable(s.getParent()).remove(s.getFileName().toString());
      durable(t.getParent()).put(t.getFileName().toString(), n);
    }
  }

  @Override
  public synchronized void delete(Path path) throws IOException {
    Path p = norm(path);
    mutation(p);
    files.remove(p);
    if (syncIsNoop) {
      durable(p.getParent()).remove(p.getFileName().toString());
    }
  }

  @Override
  public synchronized boolean exists(Path path) {
    Path p = norm(path);
    return files.containsKey(p) || dirs.contains(p);
  }

  @Override
  public synchronized long size(Path path) throws IOException {
    Node n = files.get(norm(path));
    if (n == null) {
      throw new NoSuchFileException(path.toString());
    }
    return n.length;
  }

  @Override
  public synchronized List<String> list(Path directory) throws IOException {
    Path d = norm(directory);
    if (!dirs.contains(d)) {
      throw new NoSuchFileException(d.toString());
    }
    List<String> out = new ArrayList<>();
    for (Path p : files.keySet()) {
      if (d.equals(p.getParent())) {
        out.add(p.getFileName().toString());
      }
    }
    out.sort(null);
    return out;
  }

  @Override
  public synchronized void createDirectories(Path directory) {
    // Directories themselves are treated as durable once created (their own parent is synced by the
    // caller's setup in practice); the engine's durability questions are about files inside them.
    for (Path p = norm(directory); p != null; p = p.getParent()) {
      dirs.add(p);
    }
  }

  @Override
  public synchronized void syncDirectory(Path directory) throws IOException {
    Path d = norm(directory);
    mutation(d);
    maybeFail(Op.SYNC, d);
    Map<String, Node> names = new HashMap<>();
    for (Map.Entry<Path, Node> e : files.entrySet()) {
      if (d.equals(e.getKey().getParent())) {
        names.put(e.getKey().getFileName().toString(), e.getValue());
      }
    }
    durableNames.put(d, names);
  }

  @Override
  public synchronized void link(Path existing, Path link) throws IOException {
    Path s = norm(existing);
    Path t = norm(link);
    Node n = files.get(s);
    if (n == null) {
      throw new NoSuchFileException(s.toString());
    }
    if (files.containsKey(t)) {
      throw new FileAlreadyExistsException(t.toString());
    }
    checkParent(t);
    files.put(t, n);
    if (syncIsNoop) {
      durable(t.getParent()).put(t.getFileName().toString(), n);
    }
  }

  @Override
  public synchronized AutoCloseable lock(Path path) throws IOException {
    Path p = norm(path);
    if (!locks.add(p)) {
      throw new IOException(p + ": locked");
    }
    int gen = generation;
    return () -> {
      synchronized (FaultInjectingFileSystem.this) {
        if (gen == generation) {
          locks.remove(p);
        }
      }
    };
  }
}
