package org.ppdb.peer.client;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ppdb.peer.api.Consistency;

/**
 * Settings and limits of a {@link PpdbClient}. Immutable; build with {@link #builder()}:
 *
 * <pre>{@code
 * PpdbClientConfig config = PpdbClientConfig.builder()
 *     .seeds(List.of(new InetSocketAddress("127.0.0.1", 6379)))
 *     .password("secret")                       // the peers' --requirepass, if any
 *     .consistency(Consistency.QUORUM)
 *     .requestTimeout(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 *
 * <p>Every limit bounds memory or waiting (DESIGN.md, principle 4): at most {@link
 * #connectionsPerPeer()} connections to each peer, each with at most {@link
 * #requestsInFlightPerConnectionMax()} requests awaiting their reply; a caller that finds every
 * slot of its peer taken waits (backpressure) up to its request timeout.
 */
public final class PpdbClientConfig {
  /** Largest number of seeds accepted. */
  public static final int SEEDS_MAX = 64;

  /** Default request timeout [5 s]. */
  public static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(5);

  /** Default connect timeout [2 s]. */
  public static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(2);

  /** Default connections per peer [2]. */
  public static final int CONNECTIONS_PER_PEER_DEFAULT = 2;

  /** Default pipelining depth per connection [128 requests]. */
  public static final int REQUESTS_IN_FLIGHT_PER_CONNECTION_DEFAULT = 128;

  /** Default topology refresh period [5 s]. */
  public static final Duration TOPOLOGY_REFRESH_DEFAULT = Duration.ofSeconds(5);

  /** Default first reconnect delay after a failed connection [100 ms]. */
  public static final Duration RECONNECT_BACKOFF_MIN_DEFAULT = Duration.ofMillis(100);

  /** Default longest reconnect delay [5 s]. */
  public static final Duration RECONNECT_BACKOFF_MAX_DEFAULT = Duration.ofSeconds(5);

  /** Default largest bulk reply (a value) accepted [16 MiB, the server's value limit]. */
  public static final int REPLY_BULK_BYTES_MAX_DEFAULT = 16 * 1024 * 1024;

  private final List<InetSocketAddress> seeds;
  private final byte[] password;
  private final Consistency consistency;
  private final Duration requestTimeout;
  private final Duration connectTimeout;
  private final int connectionsPerPeer;
  private final int requestsInFlightPerConnectionMax;
  private final Duration topologyRefreshInterval;
  private final Duration reconnectBackoffMin;
  private final Duration reconnectBackoffMax;
  private final int replyBulkBytesMax;
  private final int ioThreads;
  private final boolean clientVersions;

  private PpdbClientConfig(Builder b) {
    this.seeds = List.copyOf(b.seeds);
    this.password = b.password == null ? null : b.password.clone();
    this.consistency = b.consistency;
    this.requestTimeout = b.requestTimeout;
    this.connectTimeout = b.connectTimeout;
    this.connectionsPerPeer = b.connectionsPerPeer;
    this.requestsInFlightPerConnectionMax = b.requestsInFlightPerConnectionMax;
    this.topologyRefreshInterval = b.topologyRefreshInterval;
    this.reconnectBackoffMin = b.reconnectBackoffMin;
    this.reconnectBackoffMax = b.reconnectBackoffMax;
    this.replyBulkBytesMax = b.replyBulkBytesMax;
    this.ioThreads = b.ioThreads;
    this.clientVersions = b.clientVersions;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Peers asked for the topology at start, in order; also the fallback when it lists none. */
  public List<InetSocketAddress> seeds() {
    return seeds;
  }

  /** The password sent with AUTH on every connection, or {@code null} for none. */
  public byte[] password() {
    return password == null ? null : password.clone();
  }

  /**
   * The consistency of reads and writes [QUORUM]; per-request views: {@link
   * PpdbClient#withConsistency}.
   */
  public Consistency consistency() {
    return consistency;
  }

  /**
   * How long a request may take from the call to its answer, failovers included [5 s]. Longer than
   * the peers' own coordinator timeout, so that their TIMEOUT reply arrives first; shorter means
   * quicker failure reports and more indeterminate writes.
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** How long connecting to one peer may take before the client tries the next one [2 s]. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Connections the client keeps to each peer [2], opened on demand. More spread the work of a busy
   * peer over more of its I/O threads; each costs a socket and a server session.
   */
  public int connectionsPerPeer() {
    return connectionsPerPeer;
  }

  /**
   * Requests one connection pipelines before callers wait [128]. Deeper pipelines give more
   * throughput per connection up to the server's own pipelining bound, and more memory and latency
   * under overload.
   */
  public int requestsInFlightPerConnectionMax() {
    return requestsInFlightPerConnectionMax;
  }

  /**
   * How often the client refetches the topology [5 s]. It also refetches after connection errors.
   * Shorter periods follow joins sooner at the cost of one small request per period.
   */
  public Duration topologyRefreshInterval() {
    return topologyRefreshInterval;
  }

  /** The first delay before a peer that refused a connection is tried again [100 ms]. */
  public Duration reconnectBackoffMin() {
    return reconnectBackoffMin;
  }

  /** The delay doubles per failed connection up to this [5 s]. */
  public Duration reconnectBackoffMax() {
    return reconnectBackoffMax;
  }

  /** The largest bulk string accepted in a reply [16 MiB]; a larger one closes the connection. */
  public int replyBulkBytesMax() {
    return replyBulkBytesMax;
  }

  /** Netty I/O threads of the client [min(2, processors)]. */
  public int ioThreads() {
    return ioThreads;
  }

  /**
   * Whether the client stamps its writes with versions from its own hybrid logical clock ({@code
   * PPDB.VERSION}) [true]. Its writes are then ordered as it made them, whichever peers coordinate
   * them: without it, a write that timed out through a peer whose clock runs ahead can later win
   * over a newer acknowledged write through another peer. Writes to a server without {@code
   * PPDB.TOPOLOGY} (a plain Redis) are never stamped. See {@link
   * org.ppdb.peer.api.KeyValueService#writeVersioned}.
   */
  public boolean clientVersions() {
    return clientVersions;
  }

  @Override
  public String toString() {
    return "PpdbClientConfig{seeds="
        + seeds
        + ", password="
        + (password == null ? "none" : "set")
        + ", consistency="
        + consistency
        + ", requestTimeout="
        + requestTimeout
        + ", connectionsPerPeer="
        + connectionsPerPeer
        + ", requestsInFlightPerConnectionMax="
        + requestsInFlightPerConnectionMax
        + ", clientVersions="
        + clientVersions
        + "}";
  }

  /** Builder of {@link PpdbClientConfig}; not thread-safe. */
  public static final class Builder {
    private List<InetSocketAddress> seeds = List.of();
    private byte[] password;
    private Consistency consistency = Consistency.QUORUM;
    private Duration requestTimeout = REQUEST_TIMEOUT_DEFAULT;
    private Duration connectTimeout = CONNECT_TIMEOUT_DEFAULT;
    private int connectionsPerPeer = CONNECTIONS_PER_PEER_DEFAULT;
    private int requestsInFlightPerConnectionMax = REQUESTS_IN_FLIGHT_PER_CONNECTION_DEFAULT;
    private Duration topologyRefreshInterval = TOPOLOGY_REFRESH_DEFAULT;
    private Duration reconnectBackoffMin = RECONNECT_BACKOFF_MIN_DEFAULT;
    private Duration reconnectBackoffMax = RECONNECT_BACKOFF_MAX_DEFAULT;
    private int replyBulkBytesMax = REPLY_BULK_BYTES_MAX_DEFAULT;
    private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
    private boolean clientVersions = true;

    private Builder() {}

    public Builder seeds(List<InetSocketAddress> v) {
      seeds = new ArrayList<>(v);
      return this;
    }

    /** The password (UTF-8), or {@code null} for none. */
    public Builder password(String v) {
      password = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    public Builder consistency(Consistency v) {
      consistency = v;
      return this;
    }

    public Builder requestTimeout(Duration v) {
      requestTimeout = v;
      return this;
    }

    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    public Builder connectionsPerPeer(int v) {
      connectionsPerPeer = v;
      return this;
    }

    public Builder requestsInFlightPerConnectionMax(int v) {
      requestsInFlightPerConnectionMax = v;
      return this;
    }

    public Builder topologyRefreshInterval(Duration v) {
      topologyRefreshInterval = v;
      return this;
    }

    public Builder reconnectBackoff(Duration min, Duration max) {
      reconnectBackoffMin = min;
      reconnectBackoffMax = max;
      return this;
    }

    public Builder replyBulkBytesMax(int v) {
      replyBulkBytesMax = v;
      return this;
    }

    public Builder ioThreads(int v) {
      ioThreads = v;
      return this;
    }

    public Builder clientVersions(boolean v) {
      clientVersions = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public PpdbClientConfig build() {
      if (seeds.isEmpty() || seeds.size() > SEEDS_MAX) {
        throw new IllegalArgumentException(
            "seeds: " + seeds.size() + " (expected: 1.." + SEEDS_MAX + ")");
      }
      for (InetSocketAddress seed : seeds) {
        if (seed == null || seed.getPort() < 1) {
          throw new IllegalArgumentException("seed: " + seed + " (expected: host and port > 0)");
        }
      }
      if (consistency == null) {
        throw new IllegalArgumentException("consistency: null (expected: ONE, QUORUM or ALL)");
      }
      positive("requestTimeout", requestTimeout, Duration.ofHours(1));
      positive("connectTimeout", connectTimeout, Duration.ofMinutes(5));
      range("connectionsPerPeer", connectionsPerPeer, 1, 64);
      range("requestsInFlightPerConnectionMax", requestsInFlightPerConnectionMax, 1, 65_536);
      positive("topologyRefreshInterval", topologyRefreshInterval, Duration.ofHours(1));
      if (topologyRefreshInterval.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException(
            "topologyRefreshInterval: " + topologyRefreshInterval + " (expected: >= PT0.1S)");
      }
      positive("reconnectBackoffMin", reconnectBackoffMin, Duration.ofHours(1));
      positive("reconnectBackoffMax", reconnectBackoffMax, Duration.ofHours(1));
      if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
        throw new IllegalArgumentException(
            "reconnectBackoffMax: "
                + reconnectBackoffMax
                + " (expected: >= reconnectBackoffMin "
                + reconnectBackoffMin
                + ")");
      }
      range("replyBulkBytesMax", replyBulkBytesMax, 1024, 512 * 1024 * 1024);
      range("ioThreads", ioThreads, 1, 64);
      return new PpdbClientConfig(this);
    }

    private static void positive(String name, Duration d, Duration max) {
      if (d == null || d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0 and <= " + max + ")");
      }
    }

    private static void range(String name, int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            name + ": " + v + " (expected: " + min + ".." + max + ")");
      }
    }
  }
}
