package org.ppdb.bench.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Counters the Linux kernel keeps for this process, read from {@code /proc/self}: bytes the process
 * caused to be written to storage, and its peak resident set size. Both are engine-agnostic, which
 * is why the benchmark measures amplification and memory this way rather than through each engine's
 * own statistics: the same ruler for every engine.
 *
 * <p>{@code write_bytes} counts page-cache pages dirtied by the process (its background threads
 * included), so it includes the WAL, flushes and compactions, and a synced append that re-dirties a
 * page counts the whole page again, as the device will write it. Each read costs a small file read;
 * call from any thread. Returns -1 where {@code /proc} is not available.
 */
final class ProcessCounters {
  private static final Path io = Path.of("/proc/self/io");
  private static final Path status = Path.of("/proc/self/status");

  private ProcessCounters() {}

  /** Bytes this process has caused to be written to storage so far, or -1 if unknown. */
  static long writeBytes() {
    return field(io, "write_bytes:", 1);
  }

  /** Peak resident set size of this process in bytes ({@code VmHWM}), or -1 if unknown. */
  static long peakRssBytes() {
    return field(status, "VmHWM:", 1024);
  }

  /** Current resident set size of this process in bytes ({@code VmRSS}), or -1 if unknown. */
  static long rssBytes() {
    return field(status, "VmRSS:", 1024);
  }

  private static long field(Path file, String name, long scale) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException | SecurityException e) {
      return -1;
    }
    return parse(lines, name, scale);
  }

  /** The number after {@code name} on its line, times {@code scale}, or -1 if absent. */
  static long parse(List<String> lines, String name, long scale) {
    for (String line : lines) {
      if (line.startsWith(name)) {
        String[] parts = line.substring(name.length()).trim().split("\\s+");
        try {
          return Long.parseLong(parts[0]) * scale;
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** Bytes of the regular files under {@code directory}, or -1 if it cannot be walked. */
  static long directoryBytes(Path directory) {
    if (!Files.isDirectory(directory)) {
      return -1;
    }
    try (var files = Files.walk(directory)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              file -> {
                try {
                  return Files.size(file);
                } catch (IOException e) {
                  return 0; // deleted by a compaction while we walked
                }
              })
          .sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return -1;
    }
  }
}
