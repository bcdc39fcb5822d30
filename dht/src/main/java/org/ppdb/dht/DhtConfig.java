package org.ppdb.dht;

import java.util.concurrent.TimeUnit;

/**
 * The configuration of a {@link Kademlia} node: protocol parameters and the limits that bound all
 * of its state. Immutable; {@link #defaults()} gives the values of the issue and the papers, and
 * {@link #builder()} changes some. The constructor checks each field and the relationships between
 * them, with Netty-style messages.
 *
 * @param bucketSize k: contacts per k-bucket, and the number of closest nodes a lookup returns and
 *     a record is stored at. Default 20 (Kademlia paper, section 2.2). Larger k makes lookups and
 *     stored records survive more failures and shortens lookups, at the cost of more memory per
 *     node and more messages per lookup and per publication.
 * @param alpha parallel requests per lookup path. Default 3 (paper, section 2.3). Larger alpha
 *     lowers lookup latency when nodes time out, at the cost of more messages per lookup.
 * @param disjointPaths d: independent lookup paths that never share a queried node (S/Kademlia,
 *     section 4.4). Default 1 (plain Kademlia). Larger d resists adversarial nodes on the path, at
 *     the cost of about d times the messages; each path runs {@code alpha} requests in parallel.
 * @param requestTimeoutNanos how long a request waits for its answer before the contact counts as
 *     failed, in nanoseconds. Default 2 s. Shorter finishes lookups sooner when nodes are dead, but
 *     counts slow nodes as failed and evicts live contacts on congested links.
 * @param replacementCacheSize verified contacts kept per bucket to replace failed ones (paper,
 *     section 4.1). Default 10. Larger heals full buckets faster after failures; costs memory.
 * @param contactFailuresMax consecutive timeouts after which a contact leaves the table when its
 *     bucket has no replacement (with a replacement it is replaced after the first). Default 2.
 *     Higher keeps contacts through transient loss (and the own network's outages, paper 4.1);
 *     lower forgets dead nodes sooner.
 * @param contactsPerSubnetPerBucketMax contacts from one IPv4 /24 or IPv6 /64 allowed in one bucket
 *     (discv5's hygiene against Sybil and eclipse attacks). Default 2. Higher admits more nodes
 *     from one network (a data centre subnet); lower makes an eclipse more expensive.
 * @param contactsPerSubnetPerTableMax contacts from one IPv4 /24 or IPv6 /64 allowed in the whole
 *     table. Default 10. Trade-off as above; a network whose nodes all share one /24 needs more.
 * @param refreshIntervalNanos a bucket with no lookup into its range for this long is refreshed by
 *     a lookup of a random id in its range (paper, section 2.3), in nanoseconds. Default 1 h.
 *     Shorter keeps tables fresher under churn at the cost of background lookups.
 * @param bootstrapRefreshLookupsMax after the lookup of its own id, a bootstrapping node refreshes
 *     each bucket further away than its closest neighbour that is not full (paper, section 2.3), at
 *     most this many. Default 160 (all). Lower joins with fewer messages but with sparser far
 *     buckets, filled later by traffic and hourly refresh.
 * @param recordTtlNanos how long a node keeps a stored record after its last STORE, in nanoseconds.
 *     Default 24 h (paper, section 2.5). Longer keeps records of departed publishers longer.
 * @param republishIntervalNanos how often a publisher stores its records again at the k closest
 *     nodes, in nanoseconds. Default 1 h. Must be shorter than {@code recordTtlNanos}; shorter
 *     repairs replica loss under churn sooner at the cost of one lookup and k STOREs per record.
 * @param valueBytesMax the largest value or provider metadata accepted, in bytes. Default 1024. The
 *     DHT is for discovery, not data: larger values cost every holder memory.
 * @param recordsPerKeyMax records (distinct publishers and kinds) a node keeps under one key.
 *     Default 64. Bounds one cluster's provider set per node; higher lets larger clusters be found
 *     complete at one node.
 * @param recordsStoredMax records a node keeps in all. Default 4096. The node's storage budget:
 *     about {@code recordsStoredMax * (valueBytesMax + 200)} bytes at most.
 * @param recordsPerMessageMax records in one FIND_VALUE answer, sent and accepted. Default 20.
 *     Bounds a message to about {@code recordsPerMessageMax * valueBytesMax} bytes.
 * @param contactsPerMessageMax contacts in one answer, sent and accepted. Default 20 (k). Must be
 *     at least 1; answers carry {@code min(bucketSize, contactsPerMessageMax)} contacts.
 * @param lookupShortlistMax candidates one lookup path keeps, closest first. Default 60 (3k). Must
 *     be at least k; higher survives more failed candidates at the cost of memory per lookup.
 * @param lookupRequestsMax requests one lookup may send over all its paths; past it the lookup ends
 *     with what has answered. Default 200 (a lookup in a healthy network of 100,000 nodes sends
 *     about 30). Bounds the work that adversaries feeding ever-closer fake contacts can cause; too
 *     low cuts lookups short in networks with many dead nodes.
 * @param operationsMax operations (host-started and internal) running at once; more are refused
 *     with {@link OperationStatus#BUSY}. Default 64. Bounds requests in flight to about {@code
 *     operationsMax * disjointPaths * alpha}.
 * @param publicationsMax records this node publishes and republishes itself. Default 64.
 * @param verificationPingsMax pings in flight to verify senders of unsolicited requests before they
 *     enter the table. Default 16. Higher fills the table faster from incoming traffic; lower
 *     bounds the traffic an attacker can trigger.
 */
public record DhtConfig(
    int bucketSize,
    int alpha,
    int disjointPaths,
    long requestTimeoutNanos,
    int replacementCacheSize,
    int contactFailuresMax,
    int contactsPerSubnetPerBucketMax,
    int contactsPerSubnetPerTableMax,
    long refreshIntervalNanos,
    int bootstrapRefreshLookupsMax,
    long recordTtlNanos,
    long republishIntervalNanos,
    int valueBytesMax,
    int recordsPerKeyMax,
    int recordsStoredMax,
    int recordsPerMessageMax,
    int contactsPerMessageMax,
    int lookupShortlistMax,
    int lookupRequestsMax,
    int operationsMax,
    int publicationsMax,
    int verificationPingsMax) {

  /** Checks every field and the relationships between them. */
  public DhtConfig {
    positive("bucketSize", bucketSize);
    positive("alpha", alpha);
    positive("disjointPaths", disjointPaths);
    positive("requestTimeoutNanos", requestTimeoutNanos);
    notNegative("replacementCacheSize", replacementCacheSize);
    positive("contactFailuresMax", contactFailuresMax);
    positive("contactsPerSubnetPerBucketMax", contactsPerSubnetPerBucketMax);
    positive("contactsPerSubnetPerTableMax", contactsPerSubnetPerTableMax);
    positive("refreshIntervalNanos", refreshIntervalNanos);
    notNegative("bootstrapRefreshLookupsMax", bootstrapRefreshLookupsMax);
    positive("recordTtlNanos", recordTtlNanos);
    positive("republishIntervalNanos", republishIntervalNanos);
    positive("valueBytesMax", valueBytesMax);
    positive("recordsPerKeyMax", recordsPerKeyMax);
    positive("recordsStoredMax", recordsStoredMax);
    positive("recordsPerMessageMax", recordsPerMessageMax);
    positive("contactsPerMessageMax", contactsPerMessageMax);
    positive("lookupShortlistMax", lookupShortlistMax);
    positive("lookupRequestsMax", lookupRequestsMax);
    positive("operationsMax", operationsMax);
    notNegative("publicationsMax", publicationsMax);
    notNegative("verificationPingsMax", verificationPingsMax);
    if (bucketSize > 1024) {
      throw new IllegalArgumentException("bucketSize: " + bucketSize + " (expected: <= 1024)");
    }
    if (disjointPaths > bucketSize) {
      throw new IllegalArgumentException(
          "disjointPaths: " + disjointPaths + " (expected: <= bucketSize " + bucketSize + ")");
    }
    if (lookupShortlistMax < bucketSize) {
      throw new IllegalArgumentException(
          "lookupShortlistMax: "
              + lookupShortlistMax
              + " (expected: >= bucketSize "
              + bucketSize
              + ")");
    }
    if (contactsPerSubnetPerBucketMax > contactsPerSubnetPerTableMax) {
      throw new IllegalArgumentException(
          "contactsPerSubnetPerBucketMax: "
              + contactsPerSubnetPerBucketMax
              + " (expected: <= contactsPerSubnetPerTableMax "
              + contactsPerSubnetPerTableMax
              + ")");
    }
    if (republishIntervalNanos >= recordTtlNanos) {
      throw new IllegalArgumentException(
          "republishIntervalNanos: "
              + republishIntervalNanos
              + " (expected: < recordTtlNanos "
              + recordTtlNanos
              + ")");
    }
    if (recordsPerKeyMax > recordsStoredMax) {
      throw new IllegalArgumentException(
          "recordsPerKeyMax: "
              + recordsPerKeyMax
              + " (expected: <= recordsStoredMax "
              + recordsStoredMax
              + ")");
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  private static void notNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
  }

  /** The defaults documented on each field. */
  public static DhtConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.bucketSize = bucketSize;
    b.alpha = alpha;
    b.disjointPaths = disjointPaths;
    b.requestTimeoutNanos = requestTimeoutNanos;
    b.replacementCacheSize = replacementCacheSize;
    b.contactFailuresMax = contactFailuresMax;
    b.contactsPerSubnetPerBucketMax = contactsPerSubnetPerBucketMax;
    b.contactsPerSubnetPerTableMax = contactsPerSubnetPerTableMax;
    b.refreshIntervalNanos = refreshIntervalNanos;
    b.bootstrapRefreshLookupsMax = bootstrapRefreshLookupsMax;
    b.recordTtlNanos = recordTtlNanos;
    b.republishIntervalNanos = republishIntervalNanos;
    b.valueBytesMax = valueBytesMax;
    b.recordsPerKeyMax = recordsPerKeyMax;
    b.recordsStoredMax = recordsStoredMax;
    b.recordsPerMessageMax = recordsPerMessageMax;
    b.contactsPerMessageMax = contactsPerMessageMax;
    b.lookupShortlistMax = lookupShortlistMax;
    b.lookupRequestsMax = lookupRequestsMax;
    b.operationsMax = operationsMax;
    b.publicationsMax = publicationsMax;
    b.verificationPingsMax = verificationPingsMax;
    return b;
  }

  /** Mutable builder of {@link DhtConfig}; each setter names the field it sets. Not thread-safe. */
  public static final class Builder {
    private int bucketSize = 20;
    private int alpha = 3;
    private int disjointPaths = 1;
    private long requestTimeoutNanos = TimeUnit.SECONDS.toNanos(2);
    private int replacementCacheSize = 10;
    private int contactFailuresMax = 2;
    private int contactsPerSubnetPerBucketMax = 2;
    private int contactsPerSubnetPerTableMax = 10;
    private long refreshIntervalNanos = TimeUnit.HOURS.toNanos(1);
    private int bootstrapRefreshLookupsMax = 160;
    private long recordTtlNanos = TimeUnit.HOURS.toNanos(24);
    private long republishIntervalNanos = TimeUnit.HOURS.toNanos(1);
    private int valueBytesMax = 1024;
    private int recordsPerKeyMax = 64;
    private int recordsStoredMax = 4096;
    private int recordsPerMessageMax = 20;
    private int contactsPerMessageMax = 20;
    private int lookupShortlistMax = 60;
    private int lookupRequestsMax = 200;
    private int operationsMax = 64;
    private int publicationsMax = 64;
    private int verificationPingsMax = 16;

    private Builder() {}

    /** See {@link DhtConfig#bucketSize()}. */
    public Builder bucketSize(int v) {
      bucketSize = v;
      return this;
    }

    /** See {@link DhtConfig#alpha()}. */
    public Builder alpha(int v) {
      alpha = v;
      return this;
    }

    /** See {@link DhtConfig#disjointPaths()}. */
    public Builder disjointPaths(int v) {
      disjointPaths = v;
      return this;
    }

    /** See {@link DhtConfig#requestTimeoutNanos()}. */
    public Builder requestTimeoutNanos(long v) {
      requestTimeoutNanos = v;
      return this;
    }

    /** See {@link DhtConfig#replacementCacheSize()}. */
    public Builder replacementCacheSize(int v) {
      replacementCacheSize = v;
      return this;
    }

    /** See {@link DhtConfig#contactFailuresMax()}. */
    public Builder contactFailuresMax(int v) {
      contactFailuresMax = v;
      return this;
    }

    /** See {@link DhtConfig#contactsPerSubnetPerBucketMax()}. */
    public Builder contactsPerSubnetPerBucketMax(int v) {
      contactsPerSubnetPerBucketMax = v;
      return this;
    }

    /** See {@link DhtConfig#contactsPerSubnetPerTableMax()}. */
    public Builder contactsPerSubnetPerTableMax(int v) {
      contactsPerSubnetPerTableMax = v;
      return this;
    }

    /** See {@link DhtConfig#refreshIntervalNanos()}. */
    public Builder refreshIntervalNanos(long v) {
      refreshIntervalNanos = v;
      return this;
    }

    /** See {@link DhtConfig#bootstrapRefreshLookupsMax()}. */
    public Builder bootstrapRefreshLookupsMax(int v) {
      bootstrapRefreshLookupsMax = v;
      return this;
    }

    /** See {@link DhtConfig#recordTtlNanos()}. */
    public Builder recordTtlNanos(long v) {
      recordTtlNanos = v;
      return this;
    }

    /** See {@link DhtConfig#republishIntervalNanos()}. */
    public Builder republishIntervalNanos(long v) {
      republishIntervalNanos = v;
      return this;
    }

    /** See {@link DhtConfig#valueBytesMax()}. */
    public Builder valueBytesMax(int v) {
      valueBytesMax = v;
      return this;
    }

    /** See {@link DhtConfig#recordsPerKeyMax()}. */
    public Builder recordsPerKeyMax(int v) {
      recordsPerKeyMax = v;
      return this;
    }

    /** See {@link DhtConfig#recordsStoredMax()}. */
    public Builder recordsStoredMax(int v) {
      recordsStoredMax = v;
      return this;
    }

    /** See {@link DhtConfig#recordsPerMessageMax()}. */
    public Builder recordsPerMessageMax(int v) {
      recordsPerMessageMax = v;
      return this;
    }

    /** See {@link DhtConfig#contactsPerMessageMax()}. */
    public Builder contactsPerMessageMax(int v) {
      contactsPerMessageMax = v;
      return this;
    }

    /** See {@link DhtConfig#lookupShortlistMax()}. */
    public Builder lookupShortlistMax(int v) {
      lookupShortlistMax = v;
      return this;
    }

    /** See {@link DhtConfig#lookupRequestsMax()}. */
    public Builder lookupRequestsMax(int v) {
      lookupRequestsMax = v;
      return this;
    }

    /** See {@link DhtConfig#operationsMax()}. */
    public Builder operationsMax(int v) {
      operationsMax = v;
      return this;
    }

    /** See {@link DhtConfig#publicationsMax()}. */
    public Builder publicationsMax(int v) {
      publicationsMax = v;
      return this;
    }

    /** See {@link DhtConfig#verificationPingsMax()}. */
    public Builder verificationPingsMax(int v) {
      verificationPingsMax = v;
      return this;
    }

    /** Builds and checks the configuration. */
    public DhtConfig build() {
      return new DhtConfig(
          bucketSize,
          alpha,
          disjointPaths,
          requestTimeoutNanos,
          replacementCacheSize,
          contactFailuresMax,
          contactsPerSubnetPerBucketMax,
          contactsPerSubnetPerTableMax,
          refreshIntervalNanos,
          bootstrapRefreshLookupsMax,
          recordTtlNanos,
          republishIntervalNanos,
          valueBytesMax,
          recordsPerKeyMax,
          recordsStoredMax,
          recordsPerMessageMax,
          contactsPerMessageMax,
          lookupShortlistMax,
          lookupRequestsMax,
          operationsMax,
          publicationsMax,
          verificationPingsMax);
    }
  }
}
