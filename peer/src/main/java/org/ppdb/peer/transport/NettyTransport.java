package org.ppdb.peer.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.identity.NodeIdentity;
import org.ppdb.peer.security.ClusterSecurity;
import org.ppdb.peer.security.DatagramSealer;
import org.ppdb.peer.security.NodeTls;
import org.ppdb.peer.security.ReplayWindow;
import org.ppdb.peer.wire.Hello;
import org.ppdb.peer.wire.WireCodec;
import org.ppdb.peer.wire.WireRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link Transport}: UDP datagrams and TCP streams with mutual TLS 1.3 on Netty
 * (NIO), with the limits of a {@link TransportConfig}. docs/wire-protocol.md specifies what goes on
 * the wire.
 *
 * <p><b>Datagrams</b> are sealed (or, in an open cluster, checksummed) by a {@link DatagramSealer}
 * and must fit {@link TransportConfig#datagramBytesMax()} with their header. <b>Frames</b> travel
 * on one TCP connection per remote listening address, opened on first use and reused, including
 * connections the remote opened to us (each side announces its listening port in a {@link Hello}).
 * A connection that fails before becoming ready puts its address in exponential backoff (min to max
 * with jitter): sends to it are dropped ({@link SendResult#DROPPED_BACKING_OFF}) until the backoff
 * ends, then the next send reconnects. A connection that was ready and closes is reopened on the
 * next send without delay. Idle connections close after {@link
 * TransportConfig#idleTimeoutMillis()}; inbound and outbound connection counts are capped;
 * unflushed bytes per connection are bounded by the write-buffer high-water mark (sends beyond it
 * are dropped, not queued).
 *
 * <p>Handlers only frame, check, decode and hand on to the {@link InboundSink}, on the event loop
 * threads. Threads: {@link TransportConfig#eventLoopThreads()} named {@code ppdb-transport-*}, all
 * ended by {@link #close}. Thread-safe.
 */
public final class NettyTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);
  private static final AttributeKey<StreamConnection> CONNECTION =
      AttributeKey.valueOf(NettyTransport.class, "connection");
  private static final long REJECT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;

  private final TransportConfig config;
  private final ClusterSecurity security;
  private final NodeTls tls;
  private final TransportCounters counters = new TransportCounters();
  private final InboundSink sink;
  private final DatagramSealer sealer;
  private final WireCodec datagramCodec;
  private final WireCodec frameCodec;
  private final LongSupplier wallClockMillis;
  private final LongSupplier nanoClock;
  private final RandomGenerator jitter;
  private final RateLimitedLog rejectLog;
  private final EventLoopGroup group;
  private final Map<InetSocketAddress, StreamConnection> connections = new ConcurrentHashMap<>();
  private final Set<Channel> openChannels = ConcurrentHashMap.newKeySet();
  private final Map<InetSocketAddress, long[]> backoffs;
  private final Object connectLock = new Object();
  private final Bootstrap clientBootstrap;
  private final int datagramPayloadBytesMax;
  private volatile boolean closed;
  private Channel datagramChannel;
  private Channel serverChannel;
  private volatile Hello hello;

  private NettyTransport(
      TransportConfig config,
      NodeIdentity identity,
      ClusterSecurity security,
      InboundSink sink,
      LongSupplier wallClockMillis,
      LongSupplier nanoClock,
      SecureRandom secureRandom,
      RandomGenerator jitter)
      throws IOException {
    this.config = config;
    this.security = security;
    this.sink = sink;
    this.wallClockMillis = wallClockMillis;
    this.nanoClock = nanoClock;
    this.jitter = jitter;
    this.rejectLog = new RateLimitedLog(LOG, nanoClock, REJECT_LOG_INTERVAL_NANOS);
    this.tls =
        NodeTls.create(
            identity, security, Instant.ofEpochMilli(wallClockMillis.getAsLong()), secureRandom);
    ReplayWindow window =
        new ReplayWindow(
            config.datagramMaxAgeMillis(),
            config.datagramMaxFutureMillis(),
            config.replayWindowEntriesMax());
    this.sealer = new DatagramSealer(security, identity.nodeId(), secureRandom, window);
    this.datagramPayloadBytesMax = config.datagramBytesMax() - sealer.overheadBytes();
    this.datagramCodec = new WireCodec(datagramPayloadBytesMax, config.maxDepth());
    this.frameCodec = new WireCodec(config.frameBytesMax(), config.maxDepth());
    int backoffEntriesMax = Math.max(64, config.outboundConnectionsMax() * 4);
    this.backoffs =
        java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, long[]> eldest) {
                return size() > backoffEntriesMax;
              }
            });
    this.group =
        new MultiThreadIoEventLoopGroup(
            config.eventLoopThreads(),
            new DefaultThreadFactory("ppdb-transport", false),
            NioIoHandler.newFactory());
    WriteBufferWaterMark waterMark =
        new WriteBufferWaterMark(config.writeBufferLowBytes(), config.writeBufferHighBytes());
    this.clientBootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeoutMillis())
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    InetSocketAddress remote = channel.attr(CONNECTION).get().key();
                    configureStream(
                        channel,
                        tls.clientContext()
                            .newHandler(channel.alloc(), remote.getHostString(), remote.getPort()));
                  }
                });
    try {
      bind(waterMark);
    } catch (RuntimeException e) {
      close();
      throw new IOException(
          "cannot bind "
              + config.bindHost()
              + " udp "
              + config.udpPort()
              + " tcp "
              + config.tcpPort()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Binds both ports and starts the transport.
   *
   * @param wallClockMillis wall-clock time, for datagram timestamps and certificate dates
   * @param nanoClock monotonic time, for backoff and log rate limits
   * @param secureRandom nonces, certificate serials, TLS
   * @param jitter backoff jitter
   * @throws IOException if a port cannot be bound or TLS cannot be set up
   */
  public static NettyTransport start(
      TransportConfig config,
      NodeIdentity identity,
      ClusterSecurity security,
      InboundSink sink,
      LongSupplier wallClockMillis,
      LongSupplier nanoClock,
      SecureRandom secureRandom,
      RandomGenerator jitter)
      throws IOException {
    return new NettyTransport(
        config, identity, security, sink, wallClockMillis, nanoClock, secureRandom, jitter);
  }

  /** {@link #start} with the system clocks and a new {@link SecureRandom}. */
  public static NettyTransport start(
      TransportConfig config, NodeIdentity identity, ClusterSecurity security, InboundSink sink)
      throws IOException {
    SecureRandom random = new SecureRandom();
    return start(
        config,
        identity,
        security,
        sink,
        System::currentTimeMillis,
        System::nanoTime,
        random,
        random);
  }

  private void bind(WriteBufferWaterMark waterMark) {
    DatagramHandler datagramHandler =
        new DatagramHandler(
            sealer,
            datagramCodec,
            sink,
            counters,
            wallClockMillis,
            config.datagramBytesMax(),
            rejectLog);
    datagramChannel =
        new Bootstrap()
            .group(group)
            .channel(NioDatagramChannel.class)
            // One byte more than the limit, so that an oversized datagram is seen as such.
            .option(
                ChannelOption.RECVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(config.datagramBytesMax() + 1))
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
            .handler(datagramHandler)
            .bind(config.bindHost(), config.udpPort())
            .syncUninterruptibly()
            .channel();
    serverChannel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 128)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    acceptInbound(channel);
                  }
                })
            .bind(config.bindHost(), config.tcpPort())
            .syncUninterruptibly()
            .channel();
    hello =
        new Hello(
            WireRegistry.PROTOCOL_VERSION,
            security.clusterName(),
            udpAddress().getPort(),
            tcpAddress().getPort());
    LOG.info(
        "transport listening on udp {} and tcp {} ({})",
        udpAddress(),
        tcpAddress(),
        security.isOpen() ? "open cluster" : "secured cluster");
  }

  private void acceptInbound(SocketChannel channel) {
    counters.connectionAccepted();
    if (closed) {
      channel.close();
      return;
    }
    if (counters.inboundOpen.incrementAndGet() > config.inboundConnectionsMax()) {
      counters.inboundOpen.decrementAndGet();
      counters.connectionRejectedOverLimit();
      rejectLog.reject(
          () -> "inbound connection from " + channel.remoteAddress() + " over the limit");
      channel.close();
      return;
    }
    StreamConnection connection =
        new StreamConnection(null, false, config.pendingFramesPerConnectionMax(), counters);
    connection.attach(channel);
    channel.attr(CONNECTION).set(connection);
    openChannels.add(channel);
    channel
        .closeFuture()
        .addListener(
            f -> {
              counters.inboundOpen.decrementAndGet();
              openChannels.remove(channel);
            });
    configureStream(channel, tls.serverContext().newHandler(channel.alloc()));
  }

  private void configureStream(SocketChannel channel, SslHandler ssl) {
    ssl.setHandshakeTimeoutMillis(config.handshakeTimeoutMillis());
    ChannelPipeline pipeline = channel.pipeline();
    // Idleness is watched below TLS: it sees the encrypted records (one write per flush) rather
    // than every frame, and IdleStateHandler turns each write's void promise into a real one with
    // a listener, which per frame was an eighth of a loaded peer's allocation.
    pipeline.addLast(
        "idle", new IdleStateHandler(0, 0, config.idleTimeoutMillis(), TimeUnit.MILLISECONDS));
    pipeline.addLast("tls", ssl);
    pipeline.addLast(
        "frames", new LengthFieldBasedFrameDecoder(config.frameBytesMax() + 4, 0, 4, 0, 4, true));
    pipeline.addLast("peer", new TlsPeerIdentifier(tls, counters, rejectLog));
    pipeline.addLast(
        "messages",
        new FrameHandler(
            frameCodec,
            sink,
            counters,
            rejectLog,
            security.clusterName(),
            streamEvents,
            config.handshakeTimeoutMillis()));
  }

  private final StreamEvents streamEvents =
      new StreamEvents() {
        @Override
        public void onAuthenticated(Channel channel, NodeId peer) {
          Hello ours = hello;
          if (ours == null) {
            // Still starting: the TCP port is not known yet. The peer will retry.
            channel.close();
            return;
          }
          StreamConnection.write(channel, frameCodec.encode(ours), counters, true);
          StreamConnection connection = channel.attr(CONNECTION).get();
          if (connection.outbound()) {
            connection.becomeReady();
          }
        }

        @Override
        public InetSocketAddress onHello(Channel channel, NodeId peer, Hello peerHello) {
          StreamConnection connection = channel.attr(CONNECTION).get();
          if (connection.outbound()) {
            return connection.key();
          }
          InetSocketAddress source = (InetSocketAddress) channel.remoteAddress();
          InetSocketAddress listen =
              new InetSocketAddress(source.getAddress(), peerHello.tcpPort());
          connection.key(listen);
          connection.becomeReady();
          if (!closed) {
            connections.putIfAbsent(listen, connection);
          }
          return listen;
        }

        @Override
        public void onClosed(Channel channel) {
          StreamConnection connection = channel.attr(CONNECTION).get();
          if (connection == null) {
            return;
          }
          connection.becomeClosed();
          InetSocketAddress key = connection.key();
          if (key != null) {
            connections.remove(key, connection);
          }
        }
      };

  @Override
  public SendResult sendDatagram(InetSocketAddress to, Object message) {
    checkResolved(to);
    byte[] payload = datagramCodec.encode(message);
    if (closed) {
      return counters.dropped(SendResult.DROPPED_CLOSED);
    }
    if (!datagramChannel.isWritable()) {
      return counters.dropped(SendResult.DROPPED_BACKPRESSURE);
    }
    byte[] datagram = sealer.seal(payload, wallClockMillis.getAsLong());
    counters.datagramSent(datagram.length);
    datagramChannel
        .writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                counters.datagramSendFailure();
              }
            });
    return SendResult.SENT;
  }

  @Override
  public SendResult sendFrame(InetSocketAddress to, Object message) {
    checkResolved(to);
    byte[] payload = frameCodec.encode(message);
    if (closed) {
      return counters.dropped(SendResult.DROPPED_CLOSED);
    }
    StreamConnection connection = connections.get(to);
    if (connection == null) {
      long[] backoff = backoffs.get(to);
      if (backoff != null && nanoClock.getAsLong() - backoff[1] < 0) {
        return counters.dropped(SendResult.DROPPED_BACKING_OFF);
      }
      synchronized (connectLock) {
        connection = connections.get(to);
        if (connection == null) {
          if (closed) {
            return counters.dropped(SendResult.DROPPED_CLOSED);
          }
          if (counters.outboundOpen.get() >= config.outboundConnectionsMax()) {
            return counters.dropped(SendResult.DROPPED_CONNECTION_LIMIT);
          }
          connection = connect(to);
        }
      }
    }
    return connection.send(payload);
  }

  private StreamConnection connect(InetSocketAddress to) {
    StreamConnection connection =
        new StreamConnection(to, true, config.pendingFramesPerConnectionMax(), counters);
    counters.outboundOpen.incrementAndGet();
    counters.connectionOpened();
    connections.put(to, connection);
    ChannelFuture future = clientBootstrap.clone().attr(CONNECTION, connection).connect(to);
    Channel channel = future.channel();
    connection.attach(channel);
    openChannels.add(channel);
    future.addListener(
        f -> {
          if (!f.isSuccess()) {
            counters.connectFailure();
            rejectLog.reject(() -> "cannot connect to " + to + ": " + f.cause());
          }
        });
    channel
        .closeFuture()
        .addListener(
            f -> {
              // Backoff first and the open-connection gauge last: whoever sees the gauge drop
              // also sees the backoff.
              if (connection.everReady()) {
                backoffs.remove(to);
              } else {
                backOff(to);
              }
              connection.becomeClosed();
              connections.remove(to, connection);
              openChannels.remove(channel);
              counters.outboundOpen.decrementAndGet();
            });
    return connection;
  }

  private void backOff(InetSocketAddress to) {
    synchronized (backoffs) {
      long[] previous = backoffs.get(to);
      long delayMillis =
          previous == null
              ? config.reconnectBackoffMinMillis()
              : Math.min(config.reconnectBackoffMaxMillis(), previous[0] * 2);
      long jittered = delayMillis + (long) (jitter.nextDouble() * 0.5 * delayMillis);
      backoffs.put(
          to,
          new long[] {
            delayMillis, nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(jittered)
          });
    }
  }

  private static void checkResolved(InetSocketAddress to) {
    if (to.isUnresolved()) {
      throw new IllegalArgumentException("to: " + to + " is unresolved (expected: an IP address)");
    }
  }

  @Override
  public int datagramPayloadBytesMax() {
    return datagramPayloadBytesMax;
  }

  @Override
  public int frameBytesMax() {
    return config.frameBytesMax();
  }

  /** The bound UDP address (with the actual port if 0 was configured). */
  public InetSocketAddress udpAddress() {
    return (InetSocketAddress) datagramChannel.localAddress();
  }

  /** The bound TCP address (with the actual port if 0 was configured). */
  public InetSocketAddress tcpAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** This transport's counters, for metrics. */
  public TransportCounters counters() {
    return counters;
  }

  /** This node's TLS certificate, for diagnostics. */
  public java.security.cert.X509Certificate certificate() {
    return tls.certificate();
  }

  @Override
  public void close() {
    synchronized (connectLock) {
      if (closed) {
        return;
      }
      // Under the lock, so that no connection is opened once closing began.
      closed = true;
    }
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
    }
    if (datagramChannel != null) {
      datagramChannel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
    }
    for (Channel channel : openChannels) {
      channel.close();
    }
    group
        .shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS * 2);
    connections.clear();
    LOG.info("transport closed");
  }
}
