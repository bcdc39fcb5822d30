package org.ppdb.peer.transport;

/**
 * Limits and addresses of a {@link NettyTransport}. Immutable; {@link #defaults()} gives the values
 * below, and the {@code with...} methods change one. Relationships between the limits are checked
 * by the constructor.
 *
 * @param bindHost address both ports bind to [127.0.0.1; use 0.0.0.0 to serve a LAN]
 * @param udpPort datagram port; 0 picks a free one [7946]
 * @param tcpPort stream port; 0 picks a free one [7946]
 * @param datagramBytesMax largest datagram sent or accepted, headers included [1400: fits an
 *     Ethernet MTU of 1500 with IPv6 and UDP headers, so datagrams are never fragmented]
 * @param frameBytesMax largest frame payload sent or accepted [17 MiB: one maximal 16 MiB value
 *     plus its key and envelope; a larger limit costs memory per connection under attack]
 * @param maxDepth deepest object nesting a message may have [{@value
 *     org.ppdb.peer.wire.WireCodec#DEFAULT_MAX_DEPTH}]
 * @param inboundConnectionsMax accepted connections open at once; more are closed at once [256]
 * @param outboundConnectionsMax connections this node opens, at once [256]
 * @param pendingFramesPerConnectionMax frames queued on a connection still being opened, and frames
 *     waiting for the event loop on an open one; more are dropped [8192: a coordinator may have
 *     thousands of replica requests in flight to one peer under pipelined load]
 * @param writeBufferHighBytes a connection's unflushed bytes above which sends are dropped as
 *     backpressure, until they fall below {@code writeBufferLowBytes} [4 MiB]
 * @param writeBufferLowBytes see above [2 MiB]
 * @param connectTimeoutMillis TCP connect timeout [3000]
 * @param handshakeTimeoutMillis TLS handshake and first-frame (hello) deadline [5000]
 * @param idleTimeoutMillis a connection with no traffic either way for this long is closed [120000]
 * @param reconnectBackoffMinMillis wait after the first failed connection attempt to an address;
 *     doubles per failure, with up to 50% random jitter [100]
 * @param reconnectBackoffMaxMillis cap of that wait [30000]
 * @param datagramMaxAgeMillis oldest accepted sealed datagram, by its timestamp; also the clock
 *     skew tolerated between peers [60000]
 * @param datagramMaxFutureMillis newest accepted sealed datagram ahead of the local clock [60000]
 * @param replayWindowEntriesMax sealed datagrams remembered for replay detection; at 64 bytes each
 *     [65536 = 4 MiB, enough for ~500 datagrams/s within the 2-minute window]
 * @param eventLoopThreads Netty I/O threads shared by both ports [2]
 */
public record TransportConfig(
    String bindHost,
    int udpPort,
    int tcpPort,
    int datagramBytesMax,
    int frameBytesMax,
    int maxDepth,
    int inboundConnectionsMax,
    int outboundConnectionsMax,
    int pendingFramesPerConnectionMax,
    int writeBufferHighBytes,
    int writeBufferLowBytes,
    int connectTimeoutMillis,
    int handshakeTimeoutMillis,
    long idleTimeoutMillis,
    long reconnectBackoffMinMillis,
    long reconnectBackoffMaxMillis,
    long datagramMaxAgeMillis,
    long datagramMaxFutureMillis,
    int replayWindowEntriesMax,
    int eventLoopThreads) {

  /** The smallest datagram limit that still leaves room for headers and a useful payload. */
  public static final int DATAGRAM_BYTES_MIN = 256;

  /** The largest datagram an IPv4 UDP packet can carry. */
  public static final int DATAGRAM_BYTES_LIMIT = 65_507;

  /** Checks every field and the relationships between them. */
  public TransportConfig {
    if (bindHost == null || bindHost.isEmpty()) {
      throw new IllegalArgumentException("bindHost: empty (expected: a host or IP literal)");
    }
    checkRange("udpPort", udpPort, 0, 65_535);
    checkRange("tcpPort", tcpPort, 0, 65_535);
    checkRange("datagramBytesMax", datagramBytesMax, DATAGRAM_BYTES_MIN, DATAGRAM_BYTES_LIMIT);
    checkRange("frameBytesMax", frameBytesMax, 64, Integer.MAX_VALUE - 4);
    checkRange("maxDepth", maxDepth, 1, 1024);
    checkRange("inboundConnectionsMax", inboundConnectionsMax, 1, 1_000_000);
    checkRange("outboundConnectionsMax", outboundConnectionsMax, 1, 1_000_000);
    checkRange("pendingFramesPerConnectionMax", pendingFramesPerConnectionMax, 1, 1_000_000);
    checkRange("writeBufferLowBytes", writeBufferLowBytes, 1, Integer.MAX_VALUE);
    checkRange(
        "writeBufferHighBytes", writeBufferHighBytes, writeBufferLowBytes, Integer.MAX_VALUE);
    checkRange("connectTimeoutMillis", connectTimeoutMillis, 1, Integer.MAX_VALUE);
    checkRange("handshakeTimeoutMillis", handshakeTimeoutMillis, 1, Integer.MAX_VALUE);
    checkRange("idleTimeoutMillis", idleTimeoutMillis, 1, Long.MAX_VALUE);
    checkRange("reconnectBackoffMinMillis", reconnectBackoffMinMillis, 1, Long.MAX_VALUE);
    checkRange(
        "reconnectBackoffMaxMillis",
        reconnectBackoffMaxMillis,
        reconnectBackoffMinMillis,
        Long.MAX_VALUE);
    checkRange("datagramMaxAgeMillis", datagramMaxAgeMillis, 1, Long.MAX_VALUE);
    checkRange("datagramMaxFutureMillis", datagramMaxFutureMillis, 0, Long.MAX_VALUE);
    checkRange("replayWindowEntriesMax", replayWindowEntriesMax, 1, 100_000_000);
    checkRange("eventLoopThreads", eventLoopThreads, 1, 256);
    if (idleTimeoutMillis <= handshakeTimeoutMillis) {
      throw new IllegalArgumentException(
          "idleTimeoutMillis: "
              + idleTimeoutMillis
              + " (expected: > handshakeTimeoutMillis "
              + handshakeTimeoutMillis
              + ")");
    }
  }

  private static void checkRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: " + min + ".." + max + ")");
    }
  }

  /** The defaults listed in the class comment. */
  public static TransportConfig defaults() {
    return new TransportConfig(
        "127.0.0.1",
        7946,
        7946,
        1400,
        17 << 20,
        org.ppdb.peer.wire.WireCodec.DEFAULT_MAX_DEPTH,
        256,
        256,
        8192,
        4 << 20,
        2 << 20,
        3_000,
        5_000,
        120_000,
        100,
        30_000,
        60_000,
        60_000,
        65_536,
        2);
  }

  /** This configuration bound to {@code host}, {@code udp} and {@code tcp} (0 = any free port). */
  public TransportConfig withAddress(String host, int udp, int tcp) {
    return new TransportConfig(
        host,
        udp,
        tcp,
        datagramBytesMax,
        frameBytesMax,
        maxDepth,
        inboundConnectionsMax,
        outboundConnectionsMax,
        pendingFramesPerConnectionMax,
        writeBufferHighBytes,
        writeBufferLowBytes,
        connectTimeoutMillis,
        handshakeTimeoutMillis,
        idleTimeoutMillis,
        reconnectBackoffMinMillis,
        reconnectBackoffMaxMillis,
        datagramMaxAgeMillis,
        datagramMaxFutureMillis,
        replayWindowEntriesMax,
        eventLoopThreads);
  }

  /** This configuration with other frame and connection limits. */
  public TransportConfig withLimits(
      int frameBytes, int inboundConnections, int outboundConnections, long idleTimeout) {
    return new TransportConfig(
        bindHost,
        udpPort,
        tcpPort,
        datagramBytesMax,
        frameBytes,
        maxDepth,
        inboundConnections,
        outboundConnections,
        pendingFramesPerConnectionMax,
        writeBufferHighBytes,
        writeBufferLowBytes,
        connectTimeoutMillis,
        handshakeTimeoutMillis,
        idleTimeout,
        reconnectBackoffMinMillis,
        reconnectBackoffMaxMillis,
        datagramMaxAgeMillis,
        datagramMaxFutureMillis,
        replayWindowEntriesMax,
        eventLoopThreads);
  }

  /** This configuration with other reconnect backoff bounds. */
  public TransportConfig withReconnectBackoff(long minMillis, long maxMillis) {
    return new TransportConfig(
        bindHost,
        udpPort,
        tcpPort,
        datagramBytesMax,
        frameBytesMax,
        maxDepth,
        inboundConnectionsMax,
        outboundConnectionsMax,
        pendingFramesPerConnectionMax,
        writeBufferHighBytes,
        writeBufferLowBytes,
        connectTimeoutMillis,
        handshakeTimeoutMillis,
        idleTimeoutMillis,
        minMillis,
        maxMillis,
        datagramMaxAgeMillis,
        datagramMaxFutureMillis,
        replayWindowEntriesMax,
        eventLoopThreads);
  }
}
