package org.ppdb.peer.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace owned by a test, with multicast enabled on its own loopback, so that
 * mDNS can run for real without a packet leaving the namespace. Needs root and iproute2; {@link
 * #unavailableReason()} says why not when either is missing.
 */
final class NetworkNamespace implements AutoCloseable {

  private static final long COMMAND_TIMEOUT_SECONDS = 10;

  private final String name;

  private NetworkNamespace(String name) {
    this.name = name;
  }

  /** Why namespaces cannot be made here, or null if they can (as far as can be told cheaply). */
  static String unavailableReason() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return "network namespaces need Linux, this is " + System.getProperty("os.name");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return "creating a network namespace needs root; running as "
          + System.getProperty("user.name");
    }
    try {
      Result result = run(List.of("ip", "netns", "list"));
      if (result.status() != 0) {
        return "'ip netns list' failed: " + result.output();
      }
    } catch (IOException e) {
      return "iproute2 'ip' is not available: " + e.getMessage();
    }
    return null;
  }

  /**
   * Creates namespace {@code name} with loopback up, multicast on and the multicast range routed to
   * it.
   *
   * @throws IOException if a step fails; the namespace is deleted again in that case
   */
  static NetworkNamespace createWithMulticastLoopback(String name) throws IOException {
    NetworkNamespace namespace = new NetworkNamespace(name);
    run(List.of("ip", "netns", "del", name)); // a leftover from a killed run; failure is expected
    check(run(List.of("ip", "netns", "add", name)));
    try {
      check(namespace.exec(List.of("ip", "link", "set", "lo", "up")));
      check(namespace.exec(List.of("ip", "link", "set", "lo", "multicast", "on")));
      check(namespace.exec(List.of("ip", "route", "add", "224.0.0.0/4", "dev", "lo")));
    } catch (IOException | RuntimeException e) {
      namespace.close();
      throw e;
    }
    return namespace;
  }

  String name() {
    return name;
  }

  /** The command prefix that runs a program inside this namespace. */
  List<String> execPrefix() {
    return List.of("ip", "netns", "exec", name);
  }

  Result exec(List<String> command) throws IOException {
    List<String> full = new ArrayList<>(execPrefix());
    full.addAll(command);
    return run(full);
  }

  @Override
  public void close() throws IOException {
    check(run(List.of("ip", "netns", "del", name)));
  }

  record Result(int status, String output) {}

  private static void check(Result result) throws IOException {
    if (result.status() != 0) {
      throw new IOException("exit status " + result.status() + ": " + result.output());
    }
  }

  private static Result run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out after " + COMMAND_TIMEOUT_SECONDS + " s: " + command);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.exitValue(), command + ": " + output.strip());
  }
}
