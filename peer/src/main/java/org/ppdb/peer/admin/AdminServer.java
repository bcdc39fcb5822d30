package org.ppdb.peer.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's admin HTTP server: {@code GET /health}, {@code GET /members} (JSON, see {@link
 * MembersJson}) and {@code GET /metrics} (Prometheus text format 0.0.4 from a Micrometer {@link
 * PrometheusMeterRegistry}), on Netty's HTTP codec.
 *
 * <p>It listens on 127.0.0.1 unless configured otherwise ({@link AdminConfig}), because its
 * endpoints are unauthenticated. Every resource is bounded: request line, headers and body sizes,
 * an idle timeout, and a connection cap beyond which new connections get a 503 and are closed.
 * Malformed input gets a 4xx and a closed connection, never an exception in the node; answers are
 * counted in {@code ppdb_admin_responses_total{status}}.
 *
 * <p>Threads and cost: one Netty event loop thread of its own ({@code ppdb-admin-*}, daemon), so a
 * slow scrape never delays the node loop. The sources are read on that thread per request (see
 * {@link MembershipSource}). {@link #start} binds synchronously; {@link #close} blocks until the
 * thread has stopped (bounded by {@link #SHUTDOWN_TIMEOUT_NANOS}). Thread-safe.
 */
public final class AdminServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  /** Longest wait for the event loop to stop in {@link #close}. */
  public static final long SHUTDOWN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final byte[] OVER_CAPACITY =
      ("HTTP/1.1 503 Service Unavailable\r\n"
              + "Content-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: 27\r\n"
              + "Connection: close\r\n\r\n"
              + "too many admin connections\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final AtomicInteger openConnections;

  private AdminServer(EventLoopGroup group, Channel serverChannel, AtomicInteger openConnections) {
    this.group = group;
    this.serverChannel = serverChannel;
    this.openConnections = openConnections;
  }

  /**
   * Starts listening.
   *
   * @param config where to listen and the limits
   * @param membership read for {@code /members}
   * @param health read for {@code /health}
   * @param registry scraped for {@code /metrics}; the server also registers its own counters on it
   * @throws IOException if the address cannot be bound (in use, not local); nothing is left running
   *     in that case
   */
  public static AdminServer start(
      AdminConfig config,
      MembershipSource membership,
      HealthSource health,
      PrometheusMeterRegistry registry)
      throws IOException {
    AdminEndpoints endpoints = new AdminEndpoints(config, membership, health, registry);
    AtomicInteger open = new AtomicInteger();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("ppdb-admin", true), NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 64)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    if (open.incrementAndGet() > config.connectionsMax()) {
                      open.decrementAndGet();
                      endpoints.connectionsRejected.increment();
                      channel
                          .writeAndFlush(Unpooled.wrappedBuffer(OVER_CAPACITY))
                          .addListener(ChannelFutureListener.CLOSE);
                      return;
                    }
                    channel.closeFuture().addListener(f -> open.decrementAndGet());
                    AdminPipeline.install(channel.pipeline(), endpoints);
                  }
                });
    InetSocketAddress address = new InetSocketAddress(config.bindAddress(), config.port());
    ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      group
          .shutdownGracefully(0, SHUTDOWN_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)
          .awaitUninterruptibly(SHUTDOWN_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
      throw new IOException(
          "admin: cannot listen on " + address + ": " + bind.cause(), bind.cause());
    }
    AdminServer server = new AdminServer(group, bind.channel(), open);
    log.info("admin: HTTP on http://{} (/health, /members, /metrics)", server.addressText());
    return server;
  }

  /** The address actually bound; with port 0 in the config, this tells the chosen port. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Connections open now. */
  public int openConnections() {
    return openConnections.get();
  }

  private String addressText() {
    return MemberSnapshot.address(localAddress());
  }

  /** Stops listening, closes every connection and stops the event loop thread. Idempotent. */
  @Override
  public void close() {
    serverChannel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
    if (!group
        .shutdownGracefully(0, SHUTDOWN_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)
        .awaitUninterruptibly(2 * SHUTDOWN_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
      log.warn("admin: event loop did not stop within {} s", 2 * SHUTDOWN_TIMEOUT_NANOS / 1e9);
    }
  }
}
