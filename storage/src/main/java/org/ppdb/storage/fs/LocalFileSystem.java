package org.ppdb.storage.fs;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link StorageFileSystem} over {@code java.nio} file channels. Directory sync opens the directory
 * and forces it (works on Linux; ignored where the platform refuses, as on Windows).
 */
final class LocalFileSystem implements StorageFileSystem {
  static final LocalFileSystem INSTANCE = new LocalFileSystem(true);
  static final LocalFileSystem WITHOUT_MAPPING = new LocalFileSystem(false);

  private final boolean mapReads;

  private LocalFileSystem(boolean mapReads) {
    this.mapReads = mapReads;
  }

  @Override
  public WritableFile create(Path path) throws IOException {
    FileChannel ch =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    return new LocalWritableFile(ch);
  }

  @Override
  public ReadableFile openRead(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    return new LocalReadableFile(ch, mapReads);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    try {
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void delete(Path path) throws IOException {
    Files.deleteIfExists(path);
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path);
  }

  @Override
  public long size(Path path) throws IOException {
    return Files.size(path);
  }

  @Override
  public List<String> list(Path directory) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(directory)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    names.sort(null);
    return names;
  }

  @Override
  public void createDirectories(Path directory) throws IOException {
    Files.createDirectories(directory);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open or force a directory; POSIX ones can, and there a failure is
      // real.
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
        throw e;
      }
    }
  }

  @Override
  public void link(Path existing, Path link) throws IOException {
    Files.createLink(link, existing);
  }

  @Override
  public AutoCloseable lock(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new IOException(path + ": locked by another process");
    }
    return () -> {
      try {
        lock.release();
      } finally {
        ch.close();
      }
    };
  }

  private static final class LocalWritableFile implements WritableFile {
    private final FileChannel channel;
    private long size;

    LocalWritableFile(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public void append(byte[] buffer, int offset, int length) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
      while (b.hasRemaining()) {
        channel.write(b);
      }
      size += length;
    }

    @Override
    public void sync() throws IOException {
      channel.force(false);
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /**
   * Files above this size are not mapped (one {@link MappedByteBuffer} addresses at most 2 GiB);
   * they are read with {@code pread} only.
   */
  static final long MAPPED_FILE_BYTES_MAX = Integer.MAX_VALUE;

  /**
   * {@code sun.misc.Unsafe.invokeCleaner}, bound, or null where it is unavailable. It unmaps a
   * mapping at once when its file closes (as Lucene's MMapDirectory does on Java 9 to 18), rather
   * than whenever the collector finds the buffer unreachable: a deleted table would otherwise keep
   * its disk space and its address range until an old-generation collection.
   */
  private static final MethodHandle UNMAP = findUnmap();

  private static MethodHandle findUnmap() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return MethodHandles.lookup()
          .findVirtual(
              unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(f.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static final class LocalReadableFile implements ReadableFile {
    private final FileChannel channel;
    private boolean mappable;
    private MappedByteBuffer mapping;
    private boolean closed;

    LocalReadableFile(FileChannel channel, boolean mappable) {
      this.channel = channel;
      this.mappable = mappable;
    }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
      long p = position;
      while (b.hasRemaining()) {
        int n = channel.read(b, p);
        if (n < 0) {
          throw new EOFException("read " + length + " bytes at " + position + " past the end");
        }
        p += n;
      }
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public synchronized ByteBuffer mapped() throws IOException {
      if (closed) {
        throw new IOException("file closed");
      }
      if (!mappable) {
        return null;
      }
      if (mapping == null) {
        long size = channel.size();
        if (size > MAPPED_FILE_BYTES_MAX) {
          return null;
        }
        try {
          mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
          // Out of address space or of mappings (vm.max_map_count): a mapping only saves
          // copies, so this file is read with pread instead.
          mappable = false;
          return null;
        }
      }
      return mapping;
    }

    @Override
    public synchronized void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      MappedByteBuffer m = mapping;
      mapping = null;
      try {
        channel.close();
      } finally {
        if (m != null && UNMAP != null) {
          try {
            UNMAP.invokeExact((ByteBuffer) m);
          } catch (Throwable t) {
            // Left to the collector, which unmaps an unreachable mapping itself.
          }
        }
      }
    }
  }
}
