package org.ppdb.peer.resp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.redis.FixedRedisMessagePool;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.ppdb.peer.api.KeyValueService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis protocol (RESP2) server of a peer: any Redis client can read and write ppdb through it.
 * Built on Netty's Redis codec; the commands are those of {@link RespCommands}, the limits and
 * settings those of {@link RespConfig}.
 *
 * <p>Per connection the pipeline is: {@link RespCommandAssembler#bytes()} (bounds unterminated
 * lines), Netty's {@link RedisDecoder} (RESP and inline commands), {@link
 * RespCommandAssembler#parts()} (argument count, bulk and command sizes before and after
 * authentication; assembles {@code byte[][]} commands in place of Netty's aggregators, see there
 * why), {@link RespConnectionHandler} (commands, ordering, backpressure), and Netty's {@link
 * RedisEncoder} for the replies.
 *
 * <p>Lifecycle: {@link #start} binds once; {@link #close} closes the listening socket and every
 * connection and, if the server created its event loops, shuts them down (waiting a bounded time).
 * Thread-safe.
 */
public final class RespServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RespServer.class);

  /** Largest socket read, in bytes: bounds what decodes after reading has been paused. */
  static final int RECEIVE_BYTES_MAX = 64 * 1024;

  /** Outbound bytes queued per connection above which the handler stops reading its commands. */
  static final int WRITE_BUFFER_HIGH_BYTES = 4 * 1024 * 1024;

  /** The time {@link #close} waits for the server's own event loops to stop, in milliseconds. */
  static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;

  private final RespConfig config;
  private final ClientRegistry clients;
  private final RespCommands commands;
  private final EventLoopGroup parentGroup;
  private final EventLoopGroup childGroup;
  private final boolean ownsGroups;
  private final LongSupplier epochMillis;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private Channel serverChannel;
  private boolean closed;

  /**
   * A server with its own event loops ({@link RespConfig#ioThreads()} I/O threads).
   *
   * @param epochMillis wall clock for TTLs and uptimes (the peer's clock)
   */
  public RespServer(
      RespConfig config,
      KeyValueService service,
      PeerInfoSource peerInfo,
      LongSupplier epochMillis) {
    this(config, service, peerInfo, epochMillis, null, null, true);
  }

  /**
   * A server on the given event loops (owned by the caller, not shut down by {@link #close}).
   *
   * @param parentGroup accepts connections
   * @param childGroup runs connections
   */
  public RespServer(
      RespConfig config,
      KeyValueService service,
      PeerInfoSource peerInfo,
      LongSupplier epochMillis,
      EventLoopGroup parentGroup,
      EventLoopGroup childGroup) {
    this(
        config,
        service,
        peerInfo,
        epochMillis,
        requireGroup(parentGroup, "parentGroup"),
        requireGroup(childGroup, "childGroup"),
        false);
  }

  private RespServer(
      RespConfig config,
      KeyValueService service,
      PeerInfoSource peerInfo,
      LongSupplier epochMillis,
      EventLoopGroup parentGroup,
      EventLoopGroup childGroup,
      boolean createGroups) {
    if (config == null || service == null || peerInfo == null || epochMillis == null) {
      throw new NullPointerException("config, service, peerInfo and epochMillis required");
    }
    this.config = config;
    this.epochMillis = epochMillis;
    this.clients = new ClientRegistry(config.clientsMax());
    ScanCursors cursors =
        new ScanCursors(config.scanCursorsMax(), 4L * RespConfig.VALUE_BYTES_MAX_DEFAULT);
    this.commands = new RespCommands(config, service, peerInfo, clients, cursors, epochMillis);
    this.ownsGroups = createGroups;
    this.parentGroup =
        createGroups
            ? new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("ppdb-resp-accept", true), NioIoHandler.newFactory())
            : parentGroup;
    this.childGroup =
        createGroups
            ? new MultiThreadIoEventLoopGroup(
                config.ioThreads(),
                new DefaultThreadFactory("ppdb-resp-io", true),
                NioIoHandler.newFactory())
            : childGroup;
  }

  /** A server without event loops that only builds pipelines ({@link #initPipeline}): tests. */
  static RespServer forEmbeddedChannels(
      RespConfig config,
      KeyValueService service,
      PeerInfoSource peerInfo,
      LongSupplier epochMillis) {
    return new RespServer(config, service, peerInfo, epochMillis, null, null, false);
  }

  private static EventLoopGroup requireGroup(EventLoopGroup group, String name) {
    if (group == null) {
      throw new NullPointerException(name);
    }
    return group;
  }

  /**
   * Binds to {@code address} (port 0: an ephemeral port) and returns the bound address.
   *
   * @throws IllegalStateException if already started or closed
   * @throws java.io.UncheckedIOException if the address cannot be bound
   */
  public synchronized InetSocketAddress start(InetSocketAddress address) {
    if (parentGroup == null) {
      throw new IllegalStateException("server has no event loops (built for embedded channels)");
    }
    if (serverChannel != null || closed) {
      throw new IllegalStateException("server already " + (closed ? "closed" : "started"));
    }
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(parentGroup, childGroup)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.RCVBUF_ALLOCATOR,
                new AdaptiveRecvByteBufAllocator(512, 16 * 1024, RECEIVE_BYTES_MAX))
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(WRITE_BUFFER_HIGH_BYTES / 2, WRITE_BUFFER_HIGH_BYTES))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    initPipeline(ch.pipeline(), ch);
                  }
                });
    try {
      serverChannel = bootstrap.bind(address).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + address, e);
    } catch (Exception e) {
      throw new java.io.UncheckedIOException(
          new java.io.IOException("cannot bind the Redis port to " + address + ": " + e, e));
    }
    InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
    commands.port(bound.getPort());
    log.info(
        "Redis protocol listening on {}{}{}",
        bound,
        config.passwordRequired() ? " (password required)" : " (no password)",
        config.protectedMode() ? ", protected mode: loopback clients only" : "");
    return bound;
  }

  /** Builds the handlers of one connection (also used by tests on an embedded channel). */
  void initPipeline(ChannelPipeline pipeline, Channel channel) {
    RespSession session =
        new RespSession(
            clients.nextId(),
            channel.remoteAddress(),
            channel.localAddress(),
            epochMillis.getAsLong(),
            !config.passwordRequired(),
            config.defaultConsistency());
    RespCommandAssembler guard = new RespCommandAssembler(config, session);
    connections.add(channel);
    pipeline.addLast("guardBytes", guard.bytes());
    pipeline.addLast(
        "decoder", new RedisDecoder(config.inlineBytesMax(), FixedRedisMessagePool.INSTANCE, true));
    pipeline.addLast("assembler", guard.parts());
    pipeline.addLast("encoder", new RedisEncoder());
    pipeline.addLast(
        "commands",
        new RespConnectionHandler(
            config, session, commands, guard, clients, config.protectedMode()));
  }

  /** Connected clients now. */
  public int connectedClients() {
    return clients.connected();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
    connections.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    if (ownsGroups) {
      parentGroup.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      childGroup
          .shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      parentGroup
          .terminationFuture()
          .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
  }
}
