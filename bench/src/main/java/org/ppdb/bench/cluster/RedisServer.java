package org.ppdb.bench.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The anchor: a {@code redis-server} started on 127.0.0.1 and a free port, with its files in a
 * scratch directory and durability like ppdb's default: {@code appendonly yes}, {@code appendfsync
 * everysec}. RDB snapshots are off ({@code save ""}), so the server's only persistence is the AOF
 * (ppdb has no snapshot either); AOF rewrites stay on as in Redis's defaults.
 *
 * <p>{@link #start} blocks until the server answers PING or a bound passes. Not thread-safe.
 */
final class RedisServer implements AutoCloseable {
  private final ChildProcesses children;
  private final Process process;
  private final int port;

  private RedisServer(ChildProcesses children, Process process, int port) {
    this.children = children;
    this.process = process;
    this.port = port;
  }

  /** The command line of a server on {@code port} keeping its files in {@code directory}. */
  static List<String> command(int port, Path directory) {
    return List.of(
        "redis-server",
        "--bind",
        "127.0.0.1",
        "--port",
        Integer.toString(port),
        "--dir",
        directory.toString(),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
        "--logfile",
        "");
  }

  /** {@code redis-server --version}'s version, e.g. {@code 7.0.15}, or {@code null}. */
  static String version() {
    String out = ToolVersion.firstLine(List.of("redis-server", "--version"));
    if (out == null) {
      return null;
    }
    int at = out.indexOf("v=");
    if (at < 0) {
      return out;
    }
    int end = out.indexOf(' ', at);
    return out.substring(at + 2, end < 0 ? out.length() : end);
  }

  /** Starts a server and waits until it answers PING. */
  static RedisServer start(
      ChildProcesses children, FreePorts ports, Path directory, Duration readyTimeout)
      throws IOException, InterruptedException {
    Files.createDirectories(directory);
    int port = ports.tcp();
    Path log = directory.resolve("redis-server.log");
    Process process =
        children.start(
            new ProcessBuilder(command(port, directory))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile()));
    RedisServer server = new RedisServer(children, process, port);
    InetSocketAddress address = server.address();
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        server.close();
        throw new IOException(
            "redis-server exited with status "
                + process.exitValue()
                + ": "
                + ChildProcesses.tail(log, 10));
      }
      try {
        if ("PONG".equals(RespProbe.command(address, Duration.ofSeconds(1), "PING"))) {
          return server;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        server.close();
        throw new IOException(
            "redis-server did not answer PING within " + readyTimeout.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  @Override
  public void close() {
    children.stop(process, ChildProcesses.STOP_GRACE);
  }
}
