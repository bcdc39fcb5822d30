package org.ppdb.peer.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.ppdb.peer.api.KeyValueService;
import org.ppdb.peer.api.LocalKeyValueService;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.StorageClock;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.SyncPolicy;

/**
 * A front end over a real LSM engine in a temporary directory, with a manual wall clock, and
 * embedded channels that speak raw RESP to it.
 */
final class RespFixture implements AutoCloseable {
  static {
    NettyLeaks.install();
  }

  /** The start of the manual clock: 2027-01-15, well past any HLC epoch. */
  static final long START_MILLIS = 1_800_000_000_000L;

  final AtomicLong nowMillis = new AtomicLong(START_MILLIS);
  final AtomicLong versions = new AtomicLong();
  final StorageEngine engine;
  final LocalKeyValueService local;

  RespFixture(Path dir) {
    engine = openEngine(dir, nowMillis);
    local =
        new LocalKeyValueService(engine, versions::incrementAndGet, nowMillis::get, Runnable::run);
  }

  static StorageEngine openEngine(Path dir, AtomicLong nowMillis) {
    StorageClock clock =
        new StorageClock() {
          @Override
          public long epochMillis() {
            return nowMillis.get();
          }

          @Override
          public long nanoTime() {
            return nowMillis.get() * 1_000_000L;
          }
        };
    try {
      return LsmStorage.open(
          dir, LsmOptions.builder().syncPolicy(SyncPolicy.never()).clock(clock).build());
    } catch (UnsupportedOperationException e) {
      Assumptions.abort("the installed LSM engine is still a stub: " + e.getMessage());
      throw e;
    }
  }

  static final PeerInfoSource INFO =
      new PeerInfoSource() {
        @Override
        public List<InfoField> infoFields() {
          return List.of(new InfoField("replication_factor", "1"), new InfoField("peers", "1"));
        }

        @Override
        public List<String> ringDescription() {
          return List.of("peer-a 0000..ffff keys=0");
        }

        @Override
        public List<TopologyEntry> topology() {
          return List.of(
              new TopologyEntry(
                  "0a0b", "127.0.0.1", 6379, "normal", "alive", new long[] {-5, 1L << 40}),
              new TopologyEntry("0c0d", "::1", 6380, "joining", "suspect", new long[] {7}));
        }

        @Override
        public int replicationFactor() {
          return 3;
        }
      };

  RespServer server(RespConfig config) {
    return server(config, local);
  }

  RespServer server(RespConfig config, KeyValueService service) {
    return RespServer.forEmbeddedChannels(config, service, INFO, nowMillis::get);
  }

  /** A registered, active embedded connection of {@code server}. */
  static EmbeddedChannel connect(RespServer server) {
    EmbeddedChannel channel = new EmbeddedChannel(false, false);
    server.initPipeline(channel.pipeline(), channel);
    try {
      channel.register();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return channel;
  }

  /** RESP encoding of a command. */
  static String command(String... args) {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
      sb.append(a).append("\r\n");
    }
    return sb.toString();
  }

  /** Writes raw bytes and returns everything the server wrote back. */
  static String exchange(EmbeddedChannel channel, String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
    channel.runPendingTasks();
    return drain(channel);
  }

  static String call(EmbeddedChannel channel, String... args) {
    return exchange(channel, command(args));
  }

  static String drain(EmbeddedChannel channel) {
    // Replies completed outside a read are flushed by a task queued on the event loop.
    channel.runPendingTasks();
    StringBuilder sb = new StringBuilder();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) o;
      sb.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return sb.toString();
  }

  static String bulk(String s) {
    return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
  }

  /** Closes the engine and fails if a Netty buffer leaked. */
  @Override
  public void close() {
    engine.close();
    NettyLeaks.assertNone();
  }
}
