package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ppdb.peer.resp.RespFixture.bulk;
import static org.ppdb.peer.resp.RespFixture.call;
import static org.ppdb.peer.resp.RespFixture.exchange;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RespCommandsTest {
  @TempDir Path dir;
  RespFixture fx;
  EmbeddedChannel ch;

  @BeforeEach
  void open() {
    fx = new RespFixture(dir);
    ch = RespFixture.connect(fx.server(RespConfig.defaults()));
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
    fx.close();
  }

  @Test
  void pingEchoAndSelect() {
    assertThat(call(ch, "PING")).isEqualTo("+PONG\r\n");
    assertThat(call(ch, "ping", "hi")).isEqualTo(bulk("hi"));
    assertThat(call(ch, "PING", "a", "b"))
        .isEqualTo("-ERR wrong number of arguments for 'ping' command\r\n");
    assertThat(call(ch, "ECHO", "hello world")).isEqualTo(bulk("hello world"));
    assertThat(call(ch, "SELECT", "0")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "SELECT", "1")).isEqualTo("-ERR DB index is out of range\r\n");
    assertThat(call(ch, "SELECT", "x"))
        .isEqualTo("-ERR value is not an integer or out of range\r\n");
  }

  @Test
  void setGetAndDelete() {
    assertThat(call(ch, "GET", "k")).isEqualTo("$-1\r\n");
    assertThat(call(ch, "SET", "k", "v1")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo(bulk("v1"));
    assertThat(call(ch, "SET", "empty", "")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "GET", "empty")).isEqualTo("$0\r\n\r\n");
    assertThat(call(ch, "TYPE", "k")).isEqualTo("+string\r\n");
    assertThat(call(ch, "TYPE", "nope")).isEqualTo("+none\r\n");
    assertThat(call(ch, "DEL", "k", "k", "nope", "empty")).isEqualTo(":2\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo("$-1\r\n");
    assertThat(call(ch, "DEL", "k")).isEqualTo(":0\r\n");
  }

  @Test
  void setConditionsAndGetOption() {
    assertThat(call(ch, "SET", "k", "a", "XX")).isEqualTo("$-1\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo("$-1\r\n");
    assertThat(call(ch, "SET", "k", "a", "NX")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "SET", "k", "b", "NX")).isEqualTo("$-1\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo(bulk("a"));
    assertThat(call(ch, "SET", "k", "b", "XX", "GET")).isEqualTo(bulk("a"));
    assertThat(call(ch, "SET", "k", "c", "NX", "GET")).isEqualTo(bulk("b"));
    assertThat(call(ch, "GET", "k")).isEqualTo(bulk("b"));
    assertThat(call(ch, "SET", "new", "x", "GET")).isEqualTo("$-1\r\n");
    assertThat(call(ch, "GET", "new")).isEqualTo(bulk("x"));
    assertThat(call(ch, "SET", "k", "v", "NX", "XX")).isEqualTo("-ERR syntax error\r\n");
    assertThat(call(ch, "SET", "k", "v", "EX")).isEqualTo("-ERR syntax error\r\n");
    assertThat(call(ch, "SET", "k", "v", "BOGUS")).isEqualTo("-ERR syntax error\r\n");
    assertThat(call(ch, "SET", "k", "v", "EX", "10", "PX", "5")).isEqualTo("-ERR syntax error\r\n");
    assertThat(call(ch, "SET", "k", "v", "KEEPTTL", "EX", "5")).isEqualTo("-ERR syntax error\r\n");
    assertThat(call(ch, "SET", "k", "v", "EX", "0"))
        .isEqualTo("-ERR invalid expire time in 'set' command\r\n");
    assertThat(call(ch, "SET", "k", "v", "EX", "-5"))
        .isEqualTo("-ERR invalid expire time in 'set' command\r\n");
    assertThat(call(ch, "SET", "k", "v", "EX", "9223372036854775807"))
        .isEqualTo("-ERR invalid expire time in 'set' command\r\n");
    assertThat(call(ch, "SET", "k", "v", "EX", "1.5"))
        .isEqualTo("-ERR value is not an integer or out of range\r\n");
    assertThat(call(ch, "SET", "k"))
        .isEqualTo("-ERR wrong number of arguments for 'set' command\r\n");
  }

  @Test
  void setExpiryOptionsAndTtl() {
    long now = fx.nowMillis.get();
    assertThat(call(ch, "SET", "ex", "v", "EX", "100")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "SET", "px", "v", "PX", "1500")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "SET", "exat", "v", "EXAT", Long.toString(now / 1000 + 50)))
        .isEqualTo("+OK\r\n");
    assertThat(call(ch, "SET", "pxat", "v", "PXAT", Long.toString(now + 2500)))
        .isEqualTo("+OK\r\n");
    assertThat(call(ch, "SET", "plain", "v")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "TTL", "ex")).isEqualTo(":100\r\n");
    assertThat(call(ch, "PTTL", "px")).isEqualTo(":1500\r\n");
    assertThat(call(ch, "TTL", "px")).isEqualTo(":2\r\n");
    assertThat(call(ch, "TTL", "exat")).isEqualTo(":50\r\n");
    assertThat(call(ch, "PTTL", "pxat")).isEqualTo(":2500\r\n");
    assertThat(call(ch, "TTL", "plain")).isEqualTo(":-1\r\n");
    assertThat(call(ch, "TTL", "missing")).isEqualTo(":-2\r\n");
    assertThat(call(ch, "PTTL", "missing")).isEqualTo(":-2\r\n");

    // KEEPTTL keeps the expiry of the value it replaces; a plain SET drops it.
    assertThat(call(ch, "SET", "ex", "w", "KEEPTTL")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "TTL", "ex")).isEqualTo(":100\r\n");
    assertThat(call(ch, "GET", "ex")).isEqualTo(bulk("w"));
    assertThat(call(ch, "SET", "ex", "z")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "TTL", "ex")).isEqualTo(":-1\r\n");

    fx.nowMillis.addAndGet(1_500);
    assertThat(call(ch, "GET", "px")).isEqualTo("$-1\r\n");
    assertThat(call(ch, "EXISTS", "px", "pxat")).isEqualTo(":1\r\n");
    fx.nowMillis.addAndGet(1_000);
    assertThat(call(ch, "GET", "pxat")).isEqualTo("$-1\r\n");
  }

  @Test
  void expirePexpireAndPersist() {
    call(ch, "SET", "k", "v");
    assertThat(call(ch, "EXPIRE", "missing", "10")).isEqualTo(":0\r\n");
    assertThat(call(ch, "EXPIRE", "k", "10")).isEqualTo(":1\r\n");
    assertThat(call(ch, "TTL", "k")).isEqualTo(":10\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo(bulk("v"));
    assertThat(call(ch, "EXPIRE", "k", "20", "NX")).isEqualTo(":0\r\n");
    assertThat(call(ch, "EXPIRE", "k", "5", "GT")).isEqualTo(":0\r\n");
    assertThat(call(ch, "EXPIRE", "k", "20", "GT")).isEqualTo(":1\r\n");
    assertThat(call(ch, "EXPIRE", "k", "30", "LT")).isEqualTo(":0\r\n");
    assertThat(call(ch, "EXPIRE", "k", "15", "XX", "LT")).isEqualTo(":1\r\n");
    assertThat(call(ch, "EXPIRE", "k", "1", "NX", "XX"))
        .isEqualTo("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
    assertThat(call(ch, "EXPIRE", "k", "1", "GT", "LT"))
        .isEqualTo("-ERR GT and LT options at the same time are not compatible\r\n");
    assertThat(call(ch, "EXPIRE", "k", "1", "SOON")).isEqualTo("-ERR Unsupported option SOON\r\n");
    assertThat(call(ch, "EXPIRE", "k", "x"))
        .isEqualTo("-ERR value is not an integer or out of range\r\n");
    assertThat(call(ch, "PEXPIRE", "k", "2500")).isEqualTo(":1\r\n");
    assertThat(call(ch, "PTTL", "k")).isEqualTo(":2500\r\n");
    assertThat(call(ch, "PERSIST", "k")).isEqualTo(":1\r\n");
    assertThat(call(ch, "PERSIST", "k")).isEqualTo(":0\r\n");
    assertThat(call(ch, "PERSIST", "missing")).isEqualTo(":0\r\n");
    assertThat(call(ch, "TTL", "k")).isEqualTo(":-1\r\n");
    fx.nowMillis.addAndGet(10_000);
    assertThat(call(ch, "GET", "k")).isEqualTo(bulk("v"));
    // An expiry in the past deletes the key, as Redis does.
    assertThat(call(ch, "EXPIRE", "k", "-1")).isEqualTo(":1\r\n");
    assertThat(call(ch, "EXISTS", "k")).isEqualTo(":0\r\n");
    assertThat(call(ch, "PEXPIRE", "k", "9223372036854775807"))
        .isEqualTo("-ERR invalid expire time in 'pexpire' command\r\n");
  }

  @Test
  void getdelMgetMsetAndExists() {
    assertThat(call(ch, "MSET", "a", "1", "b", "2", "a", "3")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "MGET", "a", "b", "c"))
        .isEqualTo("*3\r\n" + bulk("3") + bulk("2") + "$-1\r\n");
    assertThat(call(ch, "MSET", "a", "1", "b"))
        .isEqualTo("-ERR wrong number of arguments for 'mset' command\r\n");
    assertThat(call(ch, "EXISTS", "a", "a", "c", "b")).isEqualTo(":3\r\n");
    assertThat(call(ch, "GETDEL", "a")).isEqualTo(bulk("3"));
    assertThat(call(ch, "GETDEL", "a")).isEqualTo("$-1\r\n");
    assertThat(call(ch, "GET", "a")).isEqualTo("$-1\r\n");
  }

  @Test
  void scanWalksEveryKeyOnceWithMatchAndCount() {
    for (int i = 0; i < 57; i++) {
      call(ch, "SET", String.format("key:%03d", i), "v");
    }
    call(ch, "SET", "other", "v");
    java.util.List<String> seen = new java.util.ArrayList<>();
    String cursor = "0";
    int calls = 0;
    do {
      String reply = call(ch, "SCAN", cursor, "MATCH", "key:*", "COUNT", "10");
      String[] lines = reply.split("\r\n");
      assertThat(lines[0]).isEqualTo("*2");
      cursor = lines[2];
      int n = Integer.parseInt(lines[3].substring(1));
      for (int i = 0; i < n; i++) {
        seen.add(lines[5 + 2 * i]);
      }
      calls++;
    } while (!cursor.equals("0") && calls < 100);
    assertThat(calls).isEqualTo(6);
    assertThat(seen).hasSize(57).doesNotHaveDuplicates().allMatch(k -> k.startsWith("key:"));
    assertThat(call(ch, "SCAN", "0", "TYPE", "hash")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
    assertThat(call(ch, "SCAN", "12345")).isEqualTo("-ERR invalid cursor\r\n");
    assertThat(call(ch, "SCAN", "abc")).isEqualTo("-ERR invalid cursor\r\n");
    assertThat(call(ch, "SCAN", "0", "COUNT", "0")).isEqualTo("-ERR syntax error\r\n");
    assertThat(call(ch, "SCAN", "0", "MATCH")).isEqualTo("-ERR syntax error\r\n");
    assertThat(call(ch, "SCAN", "0", "MATCH", "*", "COUNT", "1000"))
        .startsWith("*2\r\n$1\r\n0\r\n*58\r\n");
  }

  @Test
  void dbsizeAndInfo() {
    call(ch, "SET", "a", "1");
    call(ch, "SET", "b", "2");
    assertThat(call(ch, "DBSIZE")).isEqualTo(":2\r\n");
    String info = call(ch, "INFO");
    assertThat(info)
        .contains("# Server\r\n")
        .contains("redis_version:7.0.0\r\n")
        .contains("# Clients\r\nconnected_clients:1\r\n")
        .contains("# Keyspace\r\ndb0:keys=2,")
        .contains("# Ppdb\r\nconsistency:QUORUM\r\nreplication_factor:1\r\npeers:1\r\n");
    assertThat(call(ch, "INFO", "keyspace")).doesNotContain("# Server").contains("# Keyspace");
    assertThat(call(ch, "INFO", "nosuchsection")).isEqualTo("$0\r\n\r\n");
  }

  @Test
  void commandCountDocsAndInfo() {
    int count = CommandSpec.values().length;
    assertThat(call(ch, "COMMAND", "COUNT")).isEqualTo(":" + count + "\r\n");
    assertThat(call(ch, "COMMAND"))
        .startsWith("*" + count + "\r\n*6\r\n" + bulk("ping") + ":-1\r\n");
    assertThat(call(ch, "COMMAND", "INFO", "get", "nope"))
        .isEqualTo(
            "*2\r\n*6\r\n"
                + bulk("get")
                + ":2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*-1\r\n");
    assertThat(call(ch, "COMMAND", "DOCS", "set"))
        .startsWith("*2\r\n" + bulk("set") + "*6\r\n" + bulk("summary"));
    assertThat(call(ch, "COMMAND", "DOCS")).startsWith("*" + 2 * count + "\r\n");
    assertThat(call(ch, "COMMAND", "FOO"))
        .isEqualTo("-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
  }

  @Test
  void clientIdNameInfoAndList() {
    String id = call(ch, "CLIENT", "ID");
    assertThat(id).matches(":\\d+\r\n");
    assertThat(call(ch, "CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
    assertThat(call(ch, "CLIENT", "SETNAME", "worker-1")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "CLIENT", "GETNAME")).isEqualTo(bulk("worker-1"));
    assertThat(call(ch, "CLIENT", "SETNAME", "bad name"))
        .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
    assertThat(call(ch, "CLIENT", "SETNAME"))
        .isEqualTo("-ERR wrong number of arguments for 'client|setname' command\r\n");
    assertThat(call(ch, "CLIENT", "SETINFO", "LIB-NAME", "jedis")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "CLIENT", "INFO"))
        .contains("id=" + id.substring(1, id.length() - 2) + " ")
        .contains("name=worker-1")
        .contains("lib-name=jedis");
    assertThat(call(ch, "CLIENT", "LIST")).contains("name=worker-1");
    assertThat(call(ch, "CLIENT", "KILL", "x"))
        .isEqualTo("-ERR unknown subcommand 'KILL'. Try CLIENT HELP.\r\n");
  }

  @Test
  void helloNegotiatesResp2Only() {
    String hello = call(ch, "HELLO", "2", "SETNAME", "h");
    assertThat(hello)
        .startsWith("*14\r\n" + bulk("server") + bulk("ppdb"))
        .contains(bulk("proto") + ":2\r\n");
    assertThat(call(ch, "CLIENT", "GETNAME")).isEqualTo(bulk("h"));
    assertThat(call(ch, "HELLO")).startsWith("*14\r\n");
    assertThat(call(ch, "HELLO", "3")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
    assertThat(call(ch, "HELLO", "x"))
        .isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
    assertThat(call(ch, "HELLO", "2", "FOO"))
        .isEqualTo("-ERR Syntax error in HELLO option 'FOO'\r\n");
  }

  @Test
  void consistencyPerConnectionAndPerRequest() {
    assertThat(call(ch, "PPDB.CONSISTENCY")).isEqualTo("+QUORUM\r\n");
    assertThat(call(ch, "ppdb.consistency", "all")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "PPDB.CONSISTENCY")).isEqualTo("+ALL\r\n");
    assertThat(call(ch, "PPDB.CONSISTENCY", "MOST"))
        .isEqualTo("-ERR unknown consistency 'MOST' (expected: ONE, QUORUM or ALL)\r\n");
    assertThat(call(ch, "PPDB.AT", "ONE", "SET", "k", "v")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "PPDB.AT", "ONE", "GET", "k")).isEqualTo(bulk("v"));
    assertThat(call(ch, "PPDB.AT", "ONE", "GET"))
        .isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
    assertThat(call(ch, "PPDB.AT", "ONE", "PING"))
        .isEqualTo("-ERR PPDB.AT cannot run 'ping' (expected: a data command)\r\n");
    assertThat(call(ch, "PPDB.AT", "ONE", "NOPE", "x"))
        .isEqualTo("-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n");
    assertThat(call(ch, "PPDB.RING")).isEqualTo("*1\r\n" + bulk("peer-a 0000..ffff keys=0"));
  }

  @Test
  void aVersionedSetOrDelWritesWithTheClientsVersion() {
    assertThat(call(ch, "PPDB.VERSION", "1000", "SET", "k", "a")).isEqualTo("+OK\r\n");
    assertThat(fx.engine.getRecord("k".getBytes(java.nio.charset.StandardCharsets.UTF_8)).version())
        .isEqualTo(1000);
    // An older version is written too, and the newer one still wins.
    assertThat(call(ch, "PPDB.VERSION", "999", "SET", "k", "b")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo(bulk("a"));
    assertThat(call(ch, "PPDB.AT", "ALL", "PPDB.VERSION", "3000", "SET", "k", "c", "PX", "60000"))
        .isEqualTo("+OK\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo(bulk("c"));
    assertThat(
            fx.engine
                .getRecord("k".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .expiresAtMillis())
        .isPositive();
    // A versioned DEL counts the keys it found and writes a tombstone for every key.
    assertThat(call(ch, "PPDB.VERSION", "4000", "DEL", "k", "absent")).isEqualTo(":1\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo("$-1\r\n");
    assertThat(call(ch, "PPDB.VERSION", "3500", "SET", "absent", "late")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "GET", "absent"))
        .as("hidden by the tombstone at 4000")
        .isEqualTo("$-1\r\n");

    assertThat(call(ch, "PPDB.VERSION", "x", "SET", "k", "v"))
        .startsWith("-ERR PPDB.VERSION: 'x' is not a version");
    assertThat(call(ch, "PPDB.VERSION", "0", "SET", "k", "v"))
        .startsWith("-ERR PPDB.VERSION: '0' is not a version");
    assertThat(call(ch, "PPDB.VERSION", "5", "GET", "k"))
        .isEqualTo("-ERR PPDB.VERSION runs SET or DEL, not 'GET'\r\n");
    assertThat(call(ch, "PPDB.VERSION", "5", "PPDB.AT", "ONE", "SET", "k", "v"))
        .isEqualTo("-ERR PPDB.VERSION runs SET or DEL, not 'PPDB.AT'\r\n");
    assertThat(call(ch, "PPDB.VERSION", "5", "SET", "k"))
        .isEqualTo("-ERR wrong number of arguments for 'set' command\r\n");
    assertThat(call(ch, "PPDB.VERSION", "5", "SET"))
        .isEqualTo("-ERR wrong number of arguments for 'ppdb.version' command\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo("$-1\r\n");
  }

  @Test
  void topologyRepliesTheReplicationFactorAndEveryMember() {
    assertThat(call(ch, "PPDB.TOPOLOGY"))
        .isEqualTo(
            "*2\r\n:3\r\n*2\r\n"
                + "*6\r\n"
                + bulk("0a0b")
                + bulk("127.0.0.1")
                + ":6379\r\n"
                + bulk("normal")
                + bulk("alive")
                + "*2\r\n"
                + bulk("-5")
                + bulk(Long.toString(1L << 40))
                + "*6\r\n"
                + bulk("0c0d")
                + bulk("::1")
                + ":6380\r\n"
                + bulk("joining")
                + bulk("suspect")
                + "*1\r\n"
                + bulk("7"));
    assertThat(call(ch, "ppdb.topology", "x"))
        .isEqualTo("-ERR wrong number of arguments for 'ppdb.topology' command\r\n");
    assertThat(call(ch, "COMMAND", "DOCS", "ppdb.topology"))
        .startsWith("*2\r\n" + bulk("ppdb.topology") + "*6\r\n" + bulk("summary"))
        .contains(bulk("ppdb"));
  }

  @Test
  void topologyEntriesRejectMalformedFields() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new TopologyEntry("ab", "h", 0, "normal", "alive", new long[0]))
        .hasMessage("clientPort: 0 (expected: 1..65535)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new TopologyEntry("ab", "h", 1, "leaving", "alive", new long[0]))
        .hasMessage("state: 'leaving' (expected: normal or joining)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new TopologyEntry("ab", "h", 1, "normal", "up", new long[0]))
        .hasMessage("status: 'up' (expected: alive, suspect or dead)");
    long[] tokens = {1, 2};
    TopologyEntry e = new TopologyEntry("ab", "h", 1, "normal", "alive", tokens);
    tokens[0] = 99;
    assertThat(e.tokens()).containsExactly(1, 2);
    assertThat(e).isEqualTo(new TopologyEntry("ab", "h", 1, "normal", "alive", new long[] {1, 2}));
  }

  @Test
  void unknownCommandsAndWrongArities() {
    assertThat(call(ch, "FOO", "bar", "baz"))
        .isEqualTo("-ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' \r\n");
    assertThat(call(ch, "FLUSHALL"))
        .isEqualTo("-ERR unknown command 'FLUSHALL', with args beginning with: \r\n");
    assertThat(call(ch, "GET")).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
    assertThat(call(ch, "GET", "a", "b"))
        .isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
    assertThat(call(ch, "DEL")).isEqualTo("-ERR wrong number of arguments for 'del' command\r\n");
    assertThat(call(ch, "ECHO")).isEqualTo("-ERR wrong number of arguments for 'echo' command\r\n");
    assertThat(call(ch, "DBSIZE", "x"))
        .isEqualTo("-ERR wrong number of arguments for 'dbsize' command\r\n");
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void storageErrorsBecomeErrorReplies() {
    fx.engine.close();
    assertThat(call(ch, "GET", "k")).startsWith("-ERR storage: StorageClosedException");
    assertThat(call(ch, "PING")).isEqualTo("+PONG\r\n");
  }

  @Test
  void inlineCommandsWork() {
    assertThat(exchange(ch, "SET greeting \"hello world\"\r\n")).isEqualTo("+OK\r\n");
    assertThat(exchange(ch, "GET greeting\r\n")).isEqualTo(bulk("hello world"));
    assertThat(exchange(ch, "PING\r\n")).isEqualTo("+PONG\r\n");
  }

  @Test
  void quitAnswersOkAndCloses() {
    assertThat(
            exchange(
                ch,
                RespFixture.command("PING")
                    + RespFixture.command("QUIT")
                    + RespFixture.command("PING")))
        .isEqualTo("+PONG\r\n+OK\r\n");
    assertThat(ch.isActive()).isFalse();
  }
}
