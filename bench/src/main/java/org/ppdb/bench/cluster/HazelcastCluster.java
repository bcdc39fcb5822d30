package org.ppdb.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java anchor: three {@link HazelcastMember} JVMs on 127.0.0.1, each with the same heap as a
 * ppdb peer. {@link #start} blocks until every member has seen all the others, or fails with the
 * end of a member's log after a bound. Not thread-safe.
 */
final class HazelcastCluster implements AutoCloseable {
  private final ChildProcesses children;
  private final List<Process> processes;
  private final List<String> addresses;
  private final String clusterName;

  private HazelcastCluster(
      ChildProcesses children, List<Process> processes, List<String> addresses, String name) {
    this.children = children;
    this.processes = processes;
    this.addresses = addresses;
    this.clusterName = name;
  }

  static HazelcastCluster start(
      ChildProcesses children,
      FreePorts ports,
      Path directory,
      int size,
      String clusterName,
      String classPath,
      List<String> jvmOptions,
      Duration readyTimeout)
      throws IOException, InterruptedException {
    Files.createDirectories(directory);
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      addresses.add("127.0.0.1:" + ports.tcp());
    }
    List<Process> processes = new ArrayList<>();
    HazelcastCluster cluster = new HazelcastCluster(children, processes, addresses, clusterName);
    List<Path> readyFiles = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        Path ready = directory.resolve("member-" + i + ".ready");
        Path log = directory.resolve("member-" + i + ".log");
        List<String> command = new ArrayList<>();
        command.add(JavaCommand.javaBinary());
        command.addAll(jvmOptions);
        command.add("-Dhazelcast.phone.home.enabled=false");
        // A stopped member leaves at once instead of migrating its partitions to the others.
        command.add("-Dhazelcast.shutdownhook.policy=TERMINATE");
        command.add("-cp");
        command.add(classPath);
        command.add(HazelcastMember.class.getName());
        command.add(clusterName);
        command.add(addresses.get(i).substring(addresses.get(i).indexOf(':') + 1));
        command.add(String.join(",", addresses));
        command.add(ready.toString());
        ProcessBuilder builder =
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("HZ_PHONE_HOME_ENABLED", "false");
        processes.add(children.start(builder));
        readyFiles.add(ready);
        logs.add(log);
      }
      long deadline = System.nanoTime() + readyTimeout.toNanos();
      for (int i = 0; i < size; i++) {
        while (!Files.exists(readyFiles.get(i))) {
          Process process = processes.get(i);
          if (!process.isAlive()) {
            throw new IOException(
                "hazelcast member "
                    + i
                    + " exited with status "
                    + process.exitValue()
                    + ": "
                    + ChildProcesses.tail(logs.get(i), 10));
          }
          if (System.nanoTime() > deadline) {
            throw new IOException(
                "hazelcast members did not form a cluster of "
                    + size
                    + " within "
                    + readyTimeout.toSeconds()
                    + " s: "
                    + ChildProcesses.tail(logs.get(i), 10));
          }
          Thread.sleep(100);
        }
      }
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The members' {@code 127.0.0.1:PORT} addresses. */
  List<String> addresses() {
    return addresses;
  }

  String clusterName() {
    return clusterName;
  }

  @Override
  public void close() {
    children.stop(processes, ChildProcesses.STOP_GRACE);
  }
}
