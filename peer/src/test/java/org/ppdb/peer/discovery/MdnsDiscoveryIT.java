package org.ppdb.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * mDNS discovery for real: jmDNS, multicast sockets and the kernel's multicast routing, inside a
 * network namespace this test creates (its loopback made multicast-capable), so that no packet
 * reaches a real network. A JVM cannot move a thread into another namespace, so the peers run in a
 * child JVM started under {@code ip netns exec} ({@link MdnsNamespaceProbe}); this test asserts on
 * what the child prints. Skipped, with the reason, where namespaces cannot be made (not root, no
 * iproute2, not Linux).
 */
class MdnsDiscoveryIT {

  private static final long CHILD_TIMEOUT_SECONDS = 90;

  private static NetworkNamespace namespace;

  @BeforeAll
  static void createNamespace() throws IOException {
    String reason = NetworkNamespace.unavailableReason();
    Assumptions.assumeTrue(reason == null, () -> "skipping the mDNS test: " + reason);
    namespace =
        NetworkNamespace.createWithMulticastLoopback(
            "ppdb-mdns-it-" + ProcessHandle.current().pid());
  }

  @AfterAll
  static void deleteNamespace() throws IOException {
    if (namespace != null) {
      namespace.close();
    }
  }

  @Test
  void peersOfOneClusterFindEachOtherAndIgnoreEverythingElse() throws Exception {
    Map<String, List<String>> facts = runProbe();

    assertThat(facts.get("ok")).as("probe output: %s", facts).containsExactly("true");
    assertThat(facts.get("a.hint"))
        .as("A hears only B, once, with B's address and ports")
        .containsExactly(MdnsNamespaceProbe.NODE_B + " 127.0.0.1 7002 8002");
    assertThat(facts.get("b.hint"))
        .as("B hears only A, once")
        .containsExactly(MdnsNamespaceProbe.NODE_A + " 127.0.0.1 7001 8001");
    assertThat(facts.get("c.hint")).as("the peer of cluster 'other' hears no hint").isNull();
    assertThat(facts.get("a.withdrawn")).as("A forgets B after B's goodbye").containsExactly("1");
    assertThat(facts.get("a.hintsAfterReturn")).as("B's return is news").containsExactly("2");
    assertThat(facts.get("aActiveAfterClose")).containsExactly("false");
    assertThat(facts.get("leftThreads")).as("jmDNS threads left after close").containsExactly("[]");
  }

  private Map<String, List<String>> runProbe() throws IOException, InterruptedException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(namespace.execPrefix());
    command.addAll(
        List.of(
            java.toString(),
            "-Xmx128m",
            "-cp",
            System.getProperty("java.class.path"),
            MdnsNamespaceProbe.class.getName()));
    Path output = Files.createTempFile("ppdb-mdns-probe", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "probe timed out after " + CHILD_TIMEOUT_SECONDS + " s; output:\n" + read(output));
      }
      String text = read(output);
      Map<String, List<String>> facts = new LinkedHashMap<>();
      for (String line : text.split("\n")) {
        int equals = line.indexOf('=');
        if (equals > 0 && line.substring(0, equals).matches("[a-zA-Z.]+")) {
          facts
              .computeIfAbsent(line.substring(0, equals), k -> new ArrayList<>())
              .add(line.substring(equals + 1));
        }
      }
      assertThat(process.exitValue()).as("probe exit status; output:\n%s", text).isZero();
      return facts;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String read(Path path) throws IOException {
    return Files.readString(path, StandardCharsets.UTF_8);
  }
}
