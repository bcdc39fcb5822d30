package org.ppdb.bench.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The first line a short command prints, e.g. a tool's version; bounded to a few seconds. */
final class ToolVersion {
  private static final long timeoutSeconds = 10;

  private ToolVersion() {}

  /** The first line of {@code command}'s output, or {@code null} if it failed or is missing. */
  static String firstLine(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String out;
      try (InputStream in = process.getInputStream()) {
        out = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
      }
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      if (process.exitValue() != 0 || out.isEmpty()) {
        return null;
      }
      int newline = out.indexOf('\n');
      return newline < 0 ? out : out.substring(0, newline).strip();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
