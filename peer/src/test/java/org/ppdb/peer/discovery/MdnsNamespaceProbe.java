package org.ppdb.peer.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child-process half of {@link MdnsDiscoveryIT}: run inside a network namespace whose loopback
 * carries multicast, it starts two peers of cluster {@code it}, one peer of cluster {@code other},
 * and two raw jmDNS advertisers with a malformed and a future-version TXT record, all on 127.0.0.1.
 * It waits until the two {@code it} peers have found each other and the bad records have been seen,
 * closes everything, checks that no jmDNS thread is left, and prints one {@code key=value} line per
 * fact for the parent to assert on. Exit status 0 if everything happened within the deadline, 1
 * otherwise.
 */
public final class MdnsNamespaceProbe {

  static final String NODE_A = "a".repeat(40);
  static final String NODE_B = "b".repeat(40);
  static final String NODE_C = "c".repeat(40);
  static final long DEADLINE_MILLIS = 30_000;

  private MdnsNamespaceProbe() {}

  public static void main(String[] args) throws Exception {
    // jmDNS logs every packet at debug; keep the child's output to what the parent reads.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<PeerHint> seenByA = new CopyOnWriteArrayList<>();
    List<PeerHint> seenByB = new CopyOnWriteArrayList<>();
    List<PeerHint> seenByC = new CopyOnWriteArrayList<>();
    long started = System.nanoTime();
    boolean ok;
    MdnsDiscovery a = null;
    MdnsDiscovery b = null;
    MdnsDiscovery c = null;
    JmDNS bad = null;
    try {
      a = MdnsDiscovery.start(config(loopback, "it", NODE_A, 7001, 8001), seenByA::add);
      b = MdnsDiscovery.start(config(loopback, "it", NODE_B, 7002, 8002), seenByB::add);
      c = MdnsDiscovery.start(config(loopback, "other", NODE_C, 7003, 8003), seenByC::add);
      bad = JmDNS.create(loopback, "ppdb-bad");
      bad.registerService(
          ServiceInfo.create(
              MdnsConfig.SERVICE_TYPE_DEFAULT,
              "ppdb-malformed",
              7004,
              0,
              0,
              txt("txtvers=1", "cluster=it", "id=not-hex", "gossip=7004", "data=8004")));
      bad.registerService(
          ServiceInfo.create(
              MdnsConfig.SERVICE_TYPE_DEFAULT,
              "ppdb-future",
              7005,
              0,
              0,
              txt("txtvers=2", "cluster=it", "id=" + "d".repeat(40), "gossip=7005", "data=8005")));
      MdnsDiscovery fa = a;
      MdnsDiscovery fb = b;
      ok =
          await(
              () ->
                  has(seenByA, NODE_B)
                      && has(seenByB, NODE_A)
                      && fa.stats().ignoredOtherCluster() > 0
                      && fa.stats().malformed() > 0
                      && fa.stats().unsupportedVersion() > 0
                      && fb.stats().malformed() > 0);
      System.out.println(
          "foundMillis=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      print("a", a, seenByA);
      print("b", b, seenByB);
      print("c", c, seenByC);
      // B leaves: its goodbye packets must make A forget it, so that a later return is reported.
      long leaving = System.nanoTime();
      b.close();
      ok &= await(() -> fa.stats().withdrawn() > 0);
      System.out.println(
          "withdrawMillis=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leaving));
      System.out.println("a.withdrawn=" + a.stats().withdrawn());
      // B comes back under the same id: A must hear of it again.
      b = MdnsDiscovery.start(config(loopback, "it", NODE_B, 7002, 8002), seenByB::add);
      ok &= await(() -> seenByA.size() == 2);
      System.out.println("a.hintsAfterReturn=" + seenByA.size());
    } finally {
      long closing = System.nanoTime();
      // Closing sends goodbyes and takes about two seconds each; close all at once.
      List<Thread> closers = new ArrayList<>();
      for (AutoCloseable d : new AutoCloseable[] {a, b, c, bad}) {
        if (d != null) {
          Thread closer = new Thread(() -> closeQuietly(d), "probe-closer");
          closer.start();
          closers.add(closer);
        }
      }
      for (Thread closer : closers) {
        closer.join();
      }
      System.out.println(
          "closeMillis=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing));
    }
    System.out.println("aActiveAfterClose=" + a.active());
    boolean threadsGone = await(() -> jmdnsThreads().isEmpty());
    System.out.println("leftThreads=" + jmdnsThreads());
    System.out.println("ok=" + (ok && threadsGone));
    System.out.flush();
    System.exit(ok && threadsGone ? 0 : 1);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      System.out.println("closeError=" + e);
    }
  }

  private static MdnsConfig config(
      InetAddress bind, String cluster, String nodeId, int gossipPort, int dataPort) {
    return MdnsConfig.of(bind, new MdnsAdvert(cluster, nodeId, gossipPort, dataPort));
  }

  private static boolean has(List<PeerHint> hints, String nodeId) {
    return hints.stream().anyMatch(h -> h.nodeId().equals(nodeId));
  }

  private static void print(String name, MdnsDiscovery discovery, List<PeerHint> seen) {
    System.out.println(name + ".stats=" + discovery.stats());
    for (PeerHint hint : seen) {
      System.out.println(
          name
              + ".hint="
              + hint.nodeId()
              + " "
              + hint.addresses().get(0).getHostAddress()
              + " "
              + hint.gossipPort()
              + " "
              + hint.dataPort());
    }
  }

  static List<String> jmdnsThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.contains("JmDNS") || n.contains("SocketListener"))
        .sorted()
        .toList();
  }

  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }

  private static byte[] txt(String... entries) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String entry : entries) {
      byte[] bytes = entry.getBytes(StandardCharsets.US_ASCII);
      out.write(bytes.length);
      out.write(bytes);
    }
    return out.toByteArray();
  }
}
