package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to {@code ppdb peer} gets one clear line and an exit status, never a stack trace. */
class PeerCommandTest {

  private record Run(int status, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Ppdb.commandLine(new PrintWriter(out), new PrintWriter(err), args, env).execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void malformedSeedsAreBadUsageNamingTheEntry(@TempDir Path dir) {
    Run run = run(Map.of(), "peer", "--data-dir", dir.toString(), "--no-mdns", "--seeds", "peer2");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("peer2").contains("port");
  }

  @Test
  void badClusterNameIsBadUsage(@TempDir Path dir) {
    Run run = run(Map.of(), "peer", "--data-dir", dir.toString(), "--cluster", "no spaces");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("clusterName");
  }

  @Test
  void missingSecretFileIsOneLineAndStatusOne(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-secret");
    Run run =
        run(
            Map.of(),
            "peer",
            "--data-dir",
            dir.resolve("data").toString(),
            "--no-mdns",
            "--port",
            "0",
            "--admin-port",
            "0",
            "--cluster-secret-file",
            missing.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("ppdb peer: ").contains(missing.toString());
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void unknownKeyInTheConfigFileIsBadUsage(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("ppdb.properties");
    Files.writeString(config, "clustr = typo\n");
    Run run = run(Map.of(), "peer", "--config", config.toString());
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("unknown key clustr");
  }

  @Test
  void optionsComeFromTheEnvironmentToo(@TempDir Path dir) {
    Run run =
        run(
            Map.of("PPDB_SEEDS", "nohostport", "PPDB_DATA_DIR", dir.toString()),
            "peer",
            "--no-mdns");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("nohostport");
  }

  private static org.ppdb.peer.PeerConfig parsePeer(Map<String, String> env, String... args)
      throws Exception {
    String[] full = new String[args.length + 1];
    full[0] = "peer";
    System.arraycopy(args, 0, full, 1, args.length);
    picocli.CommandLine commandLine =
        Ppdb.commandLine(
            new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), full, env);
    picocli.CommandLine.ParseResult result = commandLine.parseArgs(full);
    PeerCommand command = (PeerCommand) result.subcommand().commandSpec().userObject();
    return command.toConfig();
  }

  @Test
  void mdnsIsOnByDefaultAndOffWithTheFlag() throws Exception {
    assertThat(parsePeer(Map.of()).mdns()).isTrue();
    assertThat(parsePeer(Map.of(), "--no-mdns").mdns()).isFalse();
  }

  @Test
  void noMdnsFromTheEnvironmentMeansWhatItSays() throws Exception {
    assertThat(parsePeer(Map.of("PPDB_NO_MDNS", "true")).mdns()).isFalse();
    assertThat(parsePeer(Map.of("PPDB_NO_MDNS", "false")).mdns()).isTrue();
  }

  @Test
  void noMdnsFromTheConfigFileMeansWhatItSays(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("ppdb.properties");
    Files.writeString(config, "no-mdns = true\nport = 17000\ncluster = lab\n");
    org.ppdb.peer.PeerConfig peer = parsePeer(Map.of(), "--config", config.toString());
    assertThat(peer.mdns()).isFalse();
    assertThat(peer.port()).isEqualTo(17000);
    assertThat(peer.clusterName()).isEqualTo("lab");
  }

  @Test
  void dataOptionsReachThePeersSettings() throws Exception {
    org.ppdb.peer.DataSettings data =
        parsePeer(
                Map.of("PPDB_MAX_MEMORY", "64MiB"),
                "--storage",
                "memory",
                "--replication-factor",
                "1",
                "--consistency",
                "one",
                "--client-port",
                "16379",
                "--tokens",
                "16",
                "--requirepass",
                "pw",
                "--wal-sync",
                "always",
                "--compression",
                "lz4",
                "--memtable-size",
                "4MiB")
            .data();
    assertThat(data.storage()).isEqualTo(org.ppdb.peer.DataSettings.StorageKind.MEMORY);
    assertThat(data.maxMemoryBytes()).isEqualTo(64L << 20);
    assertThat(data.replicationFactor()).isEqualTo(1);
    assertThat(data.consistency()).isEqualTo(org.ppdb.peer.api.Consistency.ONE);
    assertThat(data.clientPort()).isEqualTo(16379);
    assertThat(data.tokens()).isEqualTo(16);
    assertThat(data.requirePass()).isEqualTo("pw");
    assertThat(data.walSync()).isEqualTo(org.ppdb.peer.DataSettings.WalSync.ALWAYS);
    assertThat(data.compression()).isEqualTo(org.ppdb.storage.Compression.LZ4);
    assertThat(data.memtableBytes()).isEqualTo(4L << 20);
    assertThat(parsePeer(Map.of()).data()).isEqualTo(org.ppdb.peer.DataSettings.defaults());
  }

  @Test
  void badDataOptionsAreBadUsageNamingTheOption(@TempDir Path dir) {
    Run storage = run(Map.of(), "peer", "--data-dir", dir.toString(), "--storage", "floppy");
    assertThat(storage.status()).isEqualTo(2);
    assertThat(storage.err()).contains("storage: 'floppy'");
    Run level = run(Map.of(), "peer", "--data-dir", dir.toString(), "--consistency", "most");
    assertThat(level.status()).isEqualTo(2);
    assertThat(level.err()).contains("--consistency: 'most'");
    Run memory = run(Map.of(), "peer", "--data-dir", dir.toString(), "--max-memory", "huge");
    assertThat(memory.status()).isEqualTo(2);
    assertThat(memory.err()).contains("size: 'huge'");
    Run codec = run(Map.of(), "peer", "--data-dir", dir.toString(), "--compression", "zip");
    assertThat(codec.status()).isEqualTo(2);
    assertThat(codec.err()).contains("compression: 'zip'");
    Run buffer = run(Map.of(), "peer", "--data-dir", dir.toString(), "--memtable-size", "10KiB");
    assertThat(buffer.status()).isEqualTo(2);
    assertThat(buffer.err()).contains("memtableBytes: 10240");
  }

  @Test
  void aPeersConfigFileServesTheClientCommandsToo(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("ppdb.properties");
    Files.writeString(config, "data-dir = " + dir + "\nclient-port = 1\ncluster = lab\n");
    // get reads client-port from the peer's file and ignores the peer-only keys; port 1 refuses.
    Run get = run(Map.of("PPDB_CONFIG", config.toString()), "get", "k", "--timeout-ms", "500");
    assertThat(get.err()).doesNotContain("unknown key");
    assertThat(get.status()).isEqualTo(1);
    Files.writeString(config, "client-prot = 6379\n");
    Run typo = run(Map.of("PPDB_CONFIG", config.toString()), "get", "k");
    assertThat(typo.status()).isEqualTo(2);
    assertThat(typo.err()).contains("unknown key client-prot");
  }
}
