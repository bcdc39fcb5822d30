package org.ppdb.peer.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.ppdb.peer.security.DatagramSealer;

/**
 * What a transport received, accepted, rejected and dropped, as plain monotonic counts (and two
 * gauges of open connections), for /metrics. Every rejection of network input is counted here
 * before the input is dropped.
 *
 * <p>Thread-safe; incrementing costs a {@link LongAdder} add, reading sums its cells.
 */
public final class TransportCounters {
  private final LongAdder datagramsReceived = new LongAdder();
  private final LongAdder datagramsAccepted = new LongAdder();
  private final LongAdder datagramsOversize = new LongAdder();
  private final Map<DatagramSealer.Outcome, LongAdder> datagramsRejected =
      new EnumMap<>(DatagramSealer.Outcome.class);
  private final LongAdder datagramDecodeErrors = new LongAdder();
  private final LongAdder datagramsSent = new LongAdder();
  private final LongAdder datagramBytesSent = new LongAdder();
  private final LongAdder datagramBytesReceived = new LongAdder();
  private final LongAdder datagramSendFailures = new LongAdder();

  private final LongAdder framesReceived = new LongAdder();
  private final LongAdder framesAccepted = new LongAdder();
  private final LongAdder frameDecodeErrors = new LongAdder();
  private final LongAdder framesOversize = new LongAdder();
  private final LongAdder framesSent = new LongAdder();
  private final LongAdder frameBytesSent = new LongAdder();
  private final LongAdder frameBytesReceived = new LongAdder();
  private final Map<SendResult, LongAdder> sendsDropped = new EnumMap<>(SendResult.class);

  private final LongAdder connectionsAccepted = new LongAdder();
  private final LongAdder connectionsOpened = new LongAdder();
  private final LongAdder connectionsRejectedOverLimit = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();
  private final LongAdder tlsHandshakeFailures = new LongAdder();
  private final LongAdder helloRejected = new LongAdder();
  private final LongAdder streamProtocolErrors = new LongAdder();
  private final LongAdder idleConnectionsClosed = new LongAdder();
  final AtomicInteger inboundOpen = new AtomicInteger();
  final AtomicInteger outboundOpen = new AtomicInteger();

  /** Makes all counters zero. */
  public TransportCounters() {
    for (DatagramSealer.Outcome outcome : DatagramSealer.Outcome.values()) {
      if (outcome != DatagramSealer.Outcome.ACCEPTED) {
        datagramsRejected.put(outcome, new LongAdder());
      }
    }
    for (SendResult result : SendResult.values()) {
      if (result != SendResult.SENT) {
        sendsDropped.put(result, new LongAdder());
      }
    }
  }

  // --- recording (package-private: only the transport's handlers record) -----------------------

  void datagramReceived(int bytes) {
    datagramsReceived.increment();
    datagramBytesReceived.add(bytes);
  }

  void datagramAccepted() {
    datagramsAccepted.increment();
  }

  void datagramOversize() {
    datagramsOversize.increment();
  }

  void datagramRejected(DatagramSealer.Outcome outcome) {
    datagramsRejected.get(outcome).increment();
  }

  void datagramDecodeError() {
    datagramDecodeErrors.increment();
  }

  void datagramSent(int bytes) {
    datagramsSent.increment();
    datagramBytesSent.add(bytes);
  }

  void datagramSendFailure() {
    datagramSendFailures.increment();
  }

  void frameReceived(int bytes) {
    framesReceived.increment();
    frameBytesReceived.add(bytes);
  }

  void frameAccepted() {
    framesAccepted.increment();
  }

  void frameDecodeError() {
    frameDecodeErrors.increment();
  }

  void frameOversize() {
    framesOversize.increment();
  }

  void frameSent(int bytes) {
    framesSent.increment();
    frameBytesSent.add(bytes);
  }

  SendResult dropped(SendResult result) {
    sendsDropped.get(result).increment();
    return result;
  }

  void connectionAccepted() {
    connectionsAccepted.increment();
  }

  void connectionOpened() {
    connectionsOpened.increment();
  }

  void connectionRejectedOverLimit() {
    connectionsRejectedOverLimit.increment();
  }

  void connectFailure() {
    connectFailures.increment();
  }

  void tlsHandshakeFailure() {
    tlsHandshakeFailures.increment();
  }

  void helloRejection() {
    helloRejected.increment();
  }

  void streamProtocolError() {
    streamProtocolErrors.increment();
  }

  void idleConnectionClosed() {
    idleConnectionsClosed.increment();
  }

  // --- reading ---------------------------------------------------------------------------------

  /** Datagrams that arrived at the UDP port, before any check. */
  public long datagramsReceived() {
    return datagramsReceived.sum();
  }

  /** Bytes of all datagrams that arrived. */
  public long datagramBytesReceived() {
    return datagramBytesReceived.sum();
  }

  /** Datagrams that passed every check and reached the sink. */
  public long datagramsAccepted() {
    return datagramsAccepted.sum();
  }

  /** Datagrams larger than the datagram limit, dropped unread. */
  public long datagramsOversize() {
    return datagramsOversize.sum();
  }

  /** Datagrams rejected by framing, checksum, authentication or the replay window, by cause. */
  public long datagramsRejected(DatagramSealer.Outcome outcome) {
    LongAdder adder = datagramsRejected.get(outcome);
    return adder == null ? 0 : adder.sum();
  }

  /** All datagrams rejected before decoding (oversize included). */
  public long datagramsRejectedTotal() {
    long total = datagramsOversize.sum();
    for (LongAdder adder : datagramsRejected.values()) {
      total += adder.sum();
    }
    return total;
  }

  /** Authentic (or, in an open cluster, checksummed) datagrams whose payload did not decode. */
  public long datagramDecodeErrors() {
    return datagramDecodeErrors.sum();
  }

  /** Datagrams handed to the network. */
  public long datagramsSent() {
    return datagramsSent.sum();
  }

  /** Bytes of datagrams handed to the network, headers included. */
  public long datagramBytesSent() {
    return datagramBytesSent.sum();
  }

  /** Datagram writes the operating system refused. */
  public long datagramSendFailures() {
    return datagramSendFailures.sum();
  }

  /** Frames that arrived on authenticated connections (after TLS and length framing). */
  public long framesReceived() {
    return framesReceived.sum();
  }

  /** Bytes of those frames. */
  public long frameBytesReceived() {
    return frameBytesReceived.sum();
  }

  /** Frames that decoded and reached the sink. */
  public long framesAccepted() {
    return framesAccepted.sum();
  }

  /** Frames that did not decode; dropped, the connection kept. */
  public long frameDecodeErrors() {
    return frameDecodeErrors.sum();
  }

  /** Frames whose length prefix exceeded the frame limit; the connection is closed. */
  public long framesOversize() {
    return framesOversize.sum();
  }

  /** Frames written to connections. */
  public long framesSent() {
    return framesSent.sum();
  }

  /** Bytes of those frames, length prefixes included (before TLS). */
  public long frameBytesSent() {
    return frameBytesSent.sum();
  }

  /** Messages dropped on sending, by cause. */
  public long sendsDropped(SendResult cause) {
    LongAdder adder = sendsDropped.get(cause);
    return adder == null ? 0 : adder.sum();
  }

  /** Connections accepted at the TCP port (before the limit and TLS). */
  public long connectionsAccepted() {
    return connectionsAccepted.sum();
  }

  /** Connections this node opened. */
  public long connectionsOpened() {
    return connectionsOpened.sum();
  }

  /** Accepted connections closed at once because the inbound limit was reached. */
  public long connectionsRejectedOverLimit() {
    return connectionsRejectedOverLimit.sum();
  }

  /** Connection attempts that failed before TLS (refused, unreachable, timed out). */
  public long connectFailures() {
    return connectFailures.sum();
  }

  /**
   * TLS handshakes that failed or timed out: not TLS, wrong or no cluster secret, a certificate
   * that does not match its node id.
   */
  public long tlsHandshakeFailures() {
    return tlsHandshakeFailures.sum();
  }

  /** Connections closed because the peer's hello was missing, late or for another cluster. */
  public long helloRejected() {
    return helloRejected.sum();
  }

  /** Connections closed for broken framing (a negative length, bytes after TLS close, ...). */
  public long streamProtocolErrors() {
    return streamProtocolErrors.sum();
  }

  /** Connections closed after the idle timeout. */
  public long idleConnectionsClosed() {
    return idleConnectionsClosed.sum();
  }

  /** Inbound connections open now. */
  public int inboundConnectionsOpen() {
    return inboundOpen.get();
  }

  /** Outbound connections open or opening now. */
  public int outboundConnectionsOpen() {
    return outboundOpen.get();
  }
}
