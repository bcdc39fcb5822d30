package org.ppdb.dht;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden traces of lookups on small hand-built networks: every file under {@code
 * src/test/resources/testdata} is a script of commands whose outputs (the messages sent, in virtual
 * time, and the completed operations) are compared with the file. Regenerate with {@code mvn -pl
 * dht test -Dtest=GoldenTraceTest -Dppdb.rewrite=true} and review the diff.
 *
 * <p>Commands: {@code config k= alpha= paths= timeout=<ms> refresh=<lookups> subnet=<per bucket>
 * table=<per table> replacements=} (for nodes added later); {@code node name= id=<hex prefix>
 * [addr=a.b.c.d:port]}; {@code bootstrap node= [seeds=a,b]}; {@code lookup node= target=<hex
 * prefix>}; {@code store|announce node= key= value=}; {@code find-value|find-providers node= key=};
 * {@code rendezvous node= cluster=}; {@code fail|recover node=}; {@code table node=}; {@code
 * advance ms=}. Names and ids are shown by name; latency is a fixed 10 ms.
 */
class GoldenTraceTest {

  private static final Path TESTDATA = Path.of("src/test/resources/testdata");

  @TestFactory
  Stream<DynamicTest> goldenFiles() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(TESTDATA)) {
      files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    return files.stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runFile(f)));
  }

  private static void runFile(Path file) throws IOException {
    Script script = new Script();
    DataDriven.run(file, script::handle);
  }

  /** The state of one file's run. */
  private static final class Script {
    final TestNetwork net = new TestNetwork(42, 10 * TestNetwork.MS, 10 * TestNetwork.MS);
    DhtConfig config = DhtConfig.defaults();
    final List<String> trace = new ArrayList<>();

    Script() {
      net.tracer = trace::add;
    }

    String handle(DataDriven.Command c) {
      trace.clear();
      switch (c.name()) {
        case "config" -> {
          DhtConfig.Builder b = config.toBuilder();
          c.args()
              .forEach(
                  (k, v) -> {
                    switch (k) {
                      case "k" -> b.bucketSize(Integer.parseInt(v));
                      case "alpha" -> b.alpha(Integer.parseInt(v));
                      case "paths" -> b.disjointPaths(Integer.parseInt(v));
                      case "timeout" -> b.requestTimeoutNanos(Long.parseLong(v) * TestNetwork.MS);
                      case "refresh" -> b.bootstrapRefreshLookupsMax(Integer.parseInt(v));
                      case "subnet" -> b.contactsPerSubnetPerBucketMax(Integer.parseInt(v));
                      case "table" -> b.contactsPerSubnetPerTableMax(Integer.parseInt(v));
                      case "replacements" -> b.replacementCacheSize(Integer.parseInt(v));
                      case "shortlist" -> b.lookupShortlistMax(Integer.parseInt(v));
                      case "contacts" -> b.contactsPerMessageMax(Integer.parseInt(v));
                      default -> throw new IllegalArgumentException("unknown config " + k);
                    }
                  });
          config = b.build();
        }
        case "node" -> {
          String name = c.arg("name");
          int index = net.nodes.size();
          Address addr =
              c.args().containsKey("addr")
                  ? Address.parse(c.arg("addr"))
                  : Address.ipv4(10, 0, index + 1, 1, 4000);
          net.add(name, config, id(c.arg("id")), addr);
          return "";
        }
        case "bootstrap" -> {
          TestNetwork.Node n = node(c.arg("node"));
          List<Address> seeds = new ArrayList<>();
          for (String s : c.arg("seeds", "").split(",")) {
            if (!s.isEmpty()) {
              seeds.add(node(s).address);
            }
          }
          run(n, x -> x.dht.bootstrap(seeds, net.now, x.outbox));
        }
        case "lookup" ->
            run(node(c.arg("node")), x -> x.dht.lookup(id(c.arg("target")), net.now, x.outbox));
        case "store" ->
            run(
                node(c.arg("node")),
                x ->
                    x.dht.store(
                        id(c.arg("key")),
                        c.arg("value").getBytes(StandardCharsets.UTF_8),
                        net.now,
                        x.outbox));
        case "announce" ->
            run(
                node(c.arg("node")),
                x ->
                    x.dht.announceProvider(
                        id(c.arg("key")),
                        c.arg("value", "").getBytes(StandardCharsets.UTF_8),
                        net.now,
                        x.outbox));
        case "find-value" ->
            run(node(c.arg("node")), x -> x.dht.findValue(id(c.arg("key")), net.now, x.outbox));
        case "find-providers" ->
            run(
                node(c.arg("node")),
                x ->
                    x.dht.findProviders(
                        c.args().containsKey("cluster")
                            ? Kademlia.clusterKey(c.arg("cluster"))
                            : id(c.arg("key")),
                        net.now,
                        x.outbox));
        case "rendezvous" ->
            run(
                node(c.arg("node")),
                x ->
                    x.dht.rendezvous(
                        c.arg("cluster"),
                        c.arg("name").getBytes(StandardCharsets.UTF_8),
                        net.now,
                        x.outbox));
        case "fail" -> node(c.arg("node")).failed = true;
        case "recover" -> node(c.arg("node")).failed = false;
        case "advance" -> {
          // Hours of refreshes and republications: summarised, not traced line by line.
          net.runTo(net.now + Long.parseLong(c.arg("ms")) * TestNetwork.MS);
          java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
          for (String line : trace) {
            String[] parts = line.split(" ");
            String what = parts.length > 4 ? parts[4].replaceAll("[(\\[{].*", "") : line;
            counts.merge(what, 1, Integer::sum);
          }
          return "messages " + counts;
        }
        case "table" -> {
          return table(node(c.arg("node")));
        }
        default -> throw new IllegalArgumentException("line " + c.line() + ": unknown command");
      }
      return String.join("\n", trace);
    }

    private void run(TestNetwork.Node n, java.util.function.ToLongFunction<TestNetwork.Node> op) {
      net.call(n, op::applyAsLong);
      // Everything the operation set off, including timeouts; hourly timers stay in the future.
      net.settle(10_000 * TestNetwork.MS);
    }

    private String table(TestNetwork.Node n) {
      StringBuilder sb = new StringBuilder();
      RoutingTable t = n.dht.routingTable();
      sb.append("size=").append(t.size());
      for (int i = 0; i < t.bucketCount(); i++) {
        List<Contact> b = t.bucket(i);
        List<Contact> r = t.replacements(i);
        if (b.isEmpty() && r.isEmpty()) {
          continue;
        }
        sb.append("\nbucket ").append(i).append(": ").append(net.names(b));
        if (!r.isEmpty()) {
          sb.append(" replacements: ").append(net.names(r));
        }
      }
      return sb.toString();
    }

    private TestNetwork.Node node(String name) {
      for (TestNetwork.Node n : net.nodes) {
        if (n.name.equals(name)) {
          return n;
        }
      }
      throw new IllegalArgumentException("no node " + name);
    }

    private static NodeId id(String hexPrefix) {
      StringBuilder sb = new StringBuilder(hexPrefix);
      while (sb.length() < 2 * NodeId.BYTES) {
        sb.append('0');
      }
      return NodeId.parse(sb.toString());
    }
  }
}
