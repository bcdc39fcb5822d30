package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.api.LocalKeyValueService;
import org.ppdb.peer.resp.PeerInfoSource;
import org.ppdb.peer.resp.RespConfig;
import org.ppdb.peer.resp.RespServer;
import org.ppdb.peer.resp.TopologyEntry;
import org.ppdb.peer.ring.KeyHash;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.memory.MemoryStorage;

/** put, get, del, scan and ring against an in-process Redis-protocol server on loopback. */
class ClientCommandsIT {
  StorageEngine engine;
  RespServer server;
  InetSocketAddress address;

  @BeforeEach
  void start() {
    engine = MemoryStorage.open();
    AtomicLong versions = new AtomicLong();
    LocalKeyValueService service =
        new LocalKeyValueService(
            engine, versions::incrementAndGet, System::currentTimeMillis, Runnable::run);
    InetSocketAddress[] bound = new InetSocketAddress[1];
    PeerInfoSource info =
        new PeerInfoSource() {
          @Override
          public List<InfoField> infoFields() {
            return List.of();
          }

          @Override
          public List<String> ringDescription() {
            return List.of("aaaa owns everything");
          }

          @Override
          public List<TopologyEntry> topology() {
            return List.of(
                new TopologyEntry(
                    "aaaa",
                    "127.0.0.1",
                    bound[0].getPort(),
                    "normal",
                    "alive",
                    KeyHash.tokensFor("aaaa".getBytes(StandardCharsets.US_ASCII), 16)));
          }

          @Override
          public int replicationFactor() {
            return 3;
          }
        };
    server =
        new RespServer(
            RespConfig.builder().password("pw").build(), service, info, System::currentTimeMillis);
    address = server.start(new InetSocketAddress("127.0.0.1", 0));
    bound[0] = address;
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  private record Run(int status, String out, String err) {}

  private Run run(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--client-port";
    all[args.length + 1] = Integer.toString(address.getPort());
    all[args.length + 2] = "--password";
    all[args.length + 3] = "pw";
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Ppdb.commandLine(new PrintWriter(out), new PrintWriter(err), all, Map.of()).execute(all);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void putGetDelRoundTrip() {
    assertThat(run("put", "user:1", "alice")).isEqualTo(new Run(0, "OK\n", ""));
    assertThat(run("get", "user:1")).isEqualTo(new Run(0, "alice\n", ""));
    assertThat(run("put", "é", "ünïcode", "--consistency", "ALL", "--ttl-ms", "60000").status())
        .isZero();
    assertThat(run("get", "é").out()).isEqualTo("ünïcode\n");
    assertThat(run("del", "user:1")).isEqualTo(new Run(0, "1\n", ""));
    assertThat(run("del", "user:1")).isEqualTo(new Run(0, "0\n", ""));
    assertThat(run("get", "user:1")).isEqualTo(new Run(1, "", "(nil)\n"));
  }

  @Test
  void wrongPasswordIsOneLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] args = {"get", "k", "--client-port", "" + address.getPort(), "--password", "nope"};
    int status =
        Ppdb.commandLine(new PrintWriter(out), new PrintWriter(err), args, Map.of()).execute(args);
    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).startsWith("ppdb get: ").contains("WRONGPASS");
  }

  @Test
  void scanPrintsEveryMatchingKeyOnce() {
    for (int i = 0; i < 25; i++) {
      assertThat(run("put", "user:" + i, "x").status()).isZero();
      assertThat(run("put", "other:" + i, "y").status()).isZero();
    }
    Run all = run("scan", "--match", "user:*", "--count", "7");
    assertThat(all.status()).isZero();
    assertThat(all.out().lines().sorted().toList())
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, 25).mapToObj(i -> "user:" + i).sorted().toList());
    assertThat(run("scan", "--limit", "3").out().lines()).hasSize(3);
  }

  @Test
  void ringShowsMembersSharesAndThePeersDescription() {
    Run ring = run("ring");
    assertThat(ring.status()).isZero();
    assertThat(ring.out())
        .contains("replication factor 3, 1 member")
        .contains("NODE")
        .contains("127.0.0.1:" + address.getPort())
        .contains("100.00%")
        .contains("# ring as the peer describes it")
        .contains("aaaa owns everything");
  }
}
