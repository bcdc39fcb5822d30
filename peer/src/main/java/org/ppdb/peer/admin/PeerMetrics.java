package org.ppdb.peer.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import org.ppdb.peer.discovery.DiscoveryStats;
import org.ppdb.peer.discovery.LanDiscovery;

/**
 * The meters a peer exports, registered on a Micrometer {@link MeterRegistry} (a {@code
 * PrometheusMeterRegistry} in production, scraped at {@code /metrics}). Names as Prometheus shows
 * them:
 *
 * <pre>
 *   ppdb_members{state}                          gauge    members by state (alive, suspect, dead, left)
 *   ppdb_suspicions_total                        counter  members this peer began to suspect
 *   ppdb_refutations_total                       counter  suspicions of this peer that it refuted
 *   ppdb_messages_sent_total{type}               counter  messages sent, by message type
 *   ppdb_messages_received_total{type}           counter  messages received and decoded, by type
 *   ppdb_traffic_sent_bytes_total{type}          counter  bytes sent, by message type
 *   ppdb_traffic_received_bytes_total{type}      counter  bytes received, by message type
 *   ppdb_queue_depth{queue}                      gauge    entries waiting in a bounded queue
 *   ppdb_queue_capacity{queue}                   gauge    that queue's bound
 *   ppdb_messages_dropped_total{reason}          counter  valid messages not processed (queue full, ...)
 *   ppdb_messages_rejected_total{reason}         counter  input refused (bad seal, malformed, oversized)
 *   ppdb_discovery_announcements_total{source,outcome}   LAN announcements by outcome
 * </pre>
 *
 * <p>Tag values are names from code (message types, queue names, reasons): 1 to 32 characters of
 * {@code [a-z0-9_]}, checked. Each tag has at most {@link #TAG_VALUES_MAX} distinct values; further
 * values are counted under {@code other}, so that no input can grow the number of series without
 * bound.
 *
 * <p>Cost and threading: every method is thread-safe. The hot paths, {@link MessageMeters#sent} and
 * {@link MessageMeters#received} and the counters returned by {@link #droppedCounter} and {@link
 * #rejectedCounter}, are a lock-free add on a pre-resolved counter; resolve them once and keep
 * them. Gauges read their supplier at scrape time, on the scraping thread, so suppliers must be
 * thread-safe and cheap.
 */
public final class PeerMetrics {

  /** Most distinct values per tag before values fold into {@code other}. */
  public static final int TAG_VALUES_MAX = 64;

  /** The tag value that absorbs values beyond {@link #TAG_VALUES_MAX}. */
  public static final String OTHER = "other";

  private static final Pattern TAG_VALUE = Pattern.compile("[a-z0-9_]{1,32}");

  private final MeterRegistry registry;
  private final Counter suspicions;
  private final Counter refutations;
  private final Map<String, MessageMeters> messageTypes = new ConcurrentHashMap<>();
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final Map<String, Boolean> queues = new ConcurrentHashMap<>();

  /** Registers the fixed meters on {@code registry}. */
  public PeerMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.suspicions =
        Counter.builder("ppdb.suspicions")
            .description("Members this peer began to suspect")
            .register(registry);
    this.refutations =
        Counter.builder("ppdb.refutations")
            .description("Suspicions of this peer that it refuted")
            .register(registry);
  }

  /** The registry these meters live in. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Registers {@code ppdb_members{state}} for every {@link MemberState}, read from {@code
   * countByState} at each scrape. Call once.
   *
   * @throws IllegalStateException if called twice
   */
  public void bindMembersByState(ToIntFunction<MemberState> countByState) {
    Objects.requireNonNull(countByState, "countByState");
    for (MemberState state : MemberState.values()) {
      if (registry.find("ppdb.members").tag("state", state.label()).gauge() != null) {
        throw new IllegalStateException("members by state: already bound");
      }
      Gauge.builder("ppdb.members", () -> countByState.applyAsInt(state))
          .description("Members by state, as this peer sees them")
          .tag("state", state.label())
          .strongReference(true)
          .register(registry);
    }
  }

  /** Counts one new suspicion of another member. */
  public void onSuspicion() {
    suspicions.increment();
  }

  /** Counts one refutation of a suspicion of this peer. */
  public void onRefutation() {
    refutations.increment();
  }

  /**
   * The meters of one message type, registered on first use.
   *
   * @param type a message type name such as {@code ping}, 1-32 characters of {@code [a-z0-9_]}
   */
  public MessageMeters messageType(String type) {
    String tag = boundedTag(messageTypes, checkTag("type", type));
    return messageTypes.computeIfAbsent(tag, this::newMessageMeters);
  }

  private MessageMeters newMessageMeters(String type) {
    return new MessageMeters(
        counter("ppdb.messages.sent", "Messages sent", null, "type", type),
        counter("ppdb.messages.received", "Messages received", null, "type", type),
        counter("ppdb.traffic.sent", "Bytes sent", "bytes", "type", type),
        counter("ppdb.traffic.received", "Bytes received", "bytes", "type", type));
  }

  /**
   * The counter of messages dropped for {@code reason}: valid input not processed, for example
   * because the node's inbound queue was full.
   */
  public Counter droppedCounter(String reason) {
    String tag = boundedTag(dropped, checkTag("reason", reason));
    return dropped.computeIfAbsent(
        tag,
        r -> counter("ppdb.messages.dropped", "Valid messages not processed", null, "reason", r));
  }

  /**
   * The counter of input rejected for {@code reason}: failed authentication, malformed or oversized
   * frames and datagrams, refused connections.
   */
  public Counter rejectedCounter(String reason) {
    String tag = boundedTag(rejected, checkTag("reason", reason));
    return rejected.computeIfAbsent(
        tag, r -> counter("ppdb.messages.rejected", "Input refused", null, "reason", r));
  }

  /** Counts one dropped message; prefer keeping {@link #droppedCounter} on hot paths. */
  public void dropped(String reason) {
    droppedCounter(reason).increment();
  }

  /** Counts one rejected input; prefer keeping {@link #rejectedCounter} on hot paths. */
  public void rejected(String reason) {
    rejectedCounter(reason).increment();
  }

  /**
   * Registers {@code ppdb_queue_depth{queue}} and {@code ppdb_queue_capacity{queue}}.
   *
   * @param queue the queue's name, such as {@code inbound}
   * @param depth read at each scrape; must be thread-safe (for example {@code queue::size} of a
   *     concurrent queue)
   * @param capacity the queue's bound
   * @throws IllegalStateException if a queue of that name is already bound
   */
  public void bindQueue(String queue, IntSupplier depth, int capacity) {
    checkTag("queue", queue);
    Objects.requireNonNull(depth, "depth");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
    }
    if (queues.size() >= TAG_VALUES_MAX) {
      throw new IllegalStateException(
          "queues: " + queues.size() + " bound (expected: <= " + TAG_VALUES_MAX + ")");
    }
    if (queues.putIfAbsent(queue, Boolean.TRUE) != null) {
      throw new IllegalStateException("queue '" + queue + "': already bound");
    }
    Gauge.builder("ppdb.queue.depth", depth::getAsInt)
        .description("Entries waiting in a bounded queue")
        .tag("queue", queue)
        .strongReference(true)
        .register(registry);
    Gauge.builder("ppdb.queue.capacity", () -> capacity)
        .description("The bound of a queue")
        .tag("queue", queue)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Registers {@code ppdb_discovery_announcements_total{source,outcome}} read from {@code
   * discovery}'s {@link DiscoveryStats} at each scrape.
   *
   * @param source the source's name, such as {@code mdns}
   */
  public void bindDiscovery(String source, LanDiscovery discovery) {
    checkTag("source", source);
    Objects.requireNonNull(discovery, "discovery");
    discoveryCounter(source, discovery, "reported", DiscoveryStats::reported);
    discoveryCounter(source, discovery, "incomplete", DiscoveryStats::incomplete);
    discoveryCounter(source, discovery, "duplicate", DiscoveryStats::duplicates);
    discoveryCounter(source, discovery, "self", DiscoveryStats::ignoredSelf);
    discoveryCounter(source, discovery, "other_cluster", DiscoveryStats::ignoredOtherCluster);
    discoveryCounter(source, discovery, "malformed", DiscoveryStats::malformed);
    discoveryCounter(source, discovery, "unsupported_version", DiscoveryStats::unsupportedVersion);
    discoveryCounter(source, discovery, "no_address", DiscoveryStats::noAddress);
    discoveryCounter(source, discovery, "over_capacity", DiscoveryStats::overCapacity);
  }

  private void discoveryCounter(
      String source, LanDiscovery discovery, String outcome, ToLongFunction<DiscoveryStats> field) {
    FunctionCounter.builder(
            "ppdb.discovery.announcements", discovery, d -> field.applyAsLong(d.stats()))
        .description("LAN discovery announcements by outcome")
        .tags("source", source, "outcome", outcome)
        .register(registry);
  }

  private Counter counter(
      String name, String description, String baseUnit, String tagKey, String tagValue) {
    Counter.Builder builder = Counter.builder(name).description(description).tag(tagKey, tagValue);
    if (baseUnit != null) {
      builder.baseUnit(baseUnit);
    }
    return builder.register(registry);
  }

  private static String checkTag(String key, String value) {
    if (value == null || !TAG_VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException(
          key + ": '" + value + "' (expected: 1-32 characters of [a-z0-9_])");
    }
    return value;
  }

  private static String boundedTag(Map<String, ?> known, String value) {
    // Checked without a lock: under a race the map may exceed the bound by a few entries, never by
    // more than the number of threads.
    return known.containsKey(value) || known.size() < TAG_VALUES_MAX - 1 ? value : OTHER;
  }

  /**
   * The four counters of one message type. Thread-safe; each call is two lock-free adds.
   *
   * <p>Obtained from {@link PeerMetrics#messageType}; keep it rather than looking it up per
   * message.
   */
  public static final class MessageMeters {
    private final Counter sentMessages;
    private final Counter receivedMessages;
    private final Counter sentBytes;
    private final Counter receivedBytes;

    private MessageMeters(
        Counter sentMessages, Counter receivedMessages, Counter sentBytes, Counter receivedBytes) {
      this.sentMessages = sentMessages;
      this.receivedMessages = receivedMessages;
      this.sentBytes = sentBytes;
      this.receivedBytes = receivedBytes;
    }

    /** Counts one message of {@code bytes} bytes sent. */
    public void sent(int bytes) {
      sentMessages.increment();
      sentBytes.increment(bytes);
    }

    /** Counts one message of {@code bytes} bytes received. */
    public void received(int bytes) {
      receivedMessages.increment();
      receivedBytes.increment(bytes);
    }
  }
}
