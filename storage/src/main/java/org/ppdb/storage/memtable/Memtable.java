package org.ppdb.storage.memtable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.format.InternalIterator;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.sstable.BloomFilter;

/**
 * The in-memory write buffer of the LSM engine: a skip list (Pugh, "Skip Lists: A Probabilistic
 * Alternative to Balanced Trees", CACM 1990) of records in internal order, laid out in an arena of
 * large byte chunks the way leveldb's and RocksDB's memtables are ({@code InlineSkipList}): each
 * record is one node holding its tower of next pointers, its fixed fields, its key and its value,
 * so an insert copies the record once and allocates no object. Compared with a {@code
 * ConcurrentSkipListSet} of record objects this more than halves the heap per record (about 150
 * bytes for a 16-byte key and a 100-byte value, against about 230 in four objects), leaves the
 * garbage collector a few large arrays to trace instead of millions of small objects, and makes
 * {@link #approximateBytes()} the arena's exact size, so a memtable of N bytes holds as many
 * records as RocksDB's.
 *
 * <p>Node layout (8-byte aligned): {@code version i64, seqKind i64, keyLength | height << 24 |
 * hasAux << 28 (i32), valueLength i32, next i64[height] (native byte order), [aux i64 unless the
 * kind is a plain put], key, value}. A pointer is {@code chunk << 32 | offset}; 0 is null (the head
 * node sits at address 0 and is never pointed to). The 24-byte header (it was 40, with an aux field
 * every put left zero and a padded height) lets a memtable hold about 10% more records, so each
 * flush writes a larger level-0 table and a level-0 compaction merges more data into the same base
 * level: fewer bytes rewritten per byte written.
 *
 * <p>Threading: one writer at a time (the engine's commit leader, or recovery), any number of
 * lock-free readers. The writer fills a node completely, then links it bottom-up with release
 * stores; readers follow pointers with acquire loads, so a reader sees a node only once its content
 * is visible, and at level 0 every node it passes is fully linked. Heights come from a fixed-seed
 * xorshift generator: they affect speed only, never results.
 *
 * <p>A whole-key Bloom filter over the user keys (RocksDB's {@code memtable_whole_key_filtering})
 * lets a point read skip the skip-list descent, about twenty dependent cache misses in a full 64
 * MiB memtable, for a key the memtable does not hold: the usual case of a read once data lives in
 * tables. It is blocked like the table filters ({@link BloomFilter}, one 64-byte line per key) and
 * sized from the memtable's capacity, one bit per {@value #FILTER_ARENA_BYTES_PER_BIT} arena bytes
 * (about 20 bits per key for 16-byte keys and 100-byte values, 7 for the smallest records). The
 * writer sets a key's bits before it links the node; a reader consults the filter only for records
 * the engine has published after that (through its visible sequence), so it never misses one.
 */
public final class Memtable {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final byte[] EMPTY = new byte[0];

  /** Tallest tower; with branching 4, enough for 4^12 = 16 million records at full speed. */
  static final int HEIGHT_MAX = 12;

  private static final int BRANCHING = 4;
  // Just under 1 MiB, so that with the array header a chunk fills exactly one 1 MiB G1 region (the
  // region size of heaps up to 2 GiB), where it is allocated directly as a humongous object and
  // never
  // copied; a full 1 MiB array would occupy two regions.
  private static final int CHUNK_BYTES = (1 << 20) - 64;
  private static final int VERSION = 0;
  private static final int SEQ_KIND = 8;
  private static final int KEY_LENGTH_HEIGHT = 16;
  private static final int VALUE_LENGTH = 20;
  private static final int NEXT = 24;
  private static final int KEY_LENGTH_MASK = (1 << 24) - 1;
  private static final int HEIGHT_SHIFT = 24;
  private static final int HEIGHT_MASK = 0xf;
  // Set when an aux field follows the tower, so the key's offset comes from one header word.
  private static final int AUX_FLAG = 1 << 28;

  static {
    // A node stores its key length in 24 bits and its height in the 8 above.
    if (org.ppdb.storage.StorageLimits.KEY_BYTES_MAX > KEY_LENGTH_MASK
        || HEIGHT_MAX > HEIGHT_MASK) {
      throw new ExceptionInInitializerError("node header cannot hold the key length or height");
    }
  }

  private static final long HEAD = 0;
  private static final long PROBE_SEQ_KIND = InternalKeys.seqKind(InternalKeys.SEQ_MAX, 0);
  static final int FILTER_ARENA_BYTES_PER_BIT = 8;
  private static final int FILTER_PROBES = 6;
  private static final int FILTER_LINES_MAX = 1 << 20; // 64 MiB of filter

  private final long walNumber;
  // Chunks are only appended; the array is replaced (copy on grow) before any node in a new chunk
  // is linked, so a reader that reached a node through an acquire load sees its chunk.
  private volatile byte[][] chunks;
  private int chunkCount;
  private int chunkUsed;
  private int lastChunkBytes = CHUNK_BYTES;
  private long chunkBytesTotal;
  private volatile long arenaBytes;
  private volatile int height = 1;
  private long rng = 0x2545F4914F6CDD1DL;
  // The predecessors of the last inserted node on every level (itself on the levels it reached).
  private final long[] prevScratch = new long[HEIGHT_MAX];
  private long lastNode;
  private volatile long versionMax = Long.MIN_VALUE;
  private volatile long seqMin = Long.MAX_VALUE;
  private volatile long seqMax = 0;
  private volatile long count;
  // Lines of 8 longs (512 bits); written by the single writer only.
  private final long[] filter;
  private final int filterLines;

  /** A memtable for {@link org.ppdb.storage.LsmOptions#MEMTABLE_BYTES_DEFAULT} bytes. */
  public Memtable(long walNumber) {
    this(walNumber, org.ppdb.storage.LsmOptions.MEMTABLE_BYTES_DEFAULT);
  }

  /**
   * A memtable whose records are logged in WAL segments numbered {@code >= walNumber}, expected to
   * hold about {@code capacityBytes} of arena (it sizes the key filter; more bytes only raise the
   * filter's false-positive rate).
   */
  public Memtable(long walNumber, long capacityBytes) {
    this.walNumber = walNumber;
    filterLines =
        (int)
            Math.max(
                1, Math.min(FILTER_LINES_MAX, capacityBytes / FILTER_ARENA_BYTES_PER_BIT / 512));
    filter = new long[filterLines * 8];
    byte[][] initial = new byte[8][];
    initial[0] = new byte[CHUNK_BYTES];
    chunkCount = 1;
    chunkBytesTotal = CHUNK_BYTES;
    chunks = initial;
    // The head: a full tower of null pointers, no record.
    int headBytes = NEXT + 8 * HEIGHT_MAX;
    chunkUsed = headBytes;
    arenaBytes = headBytes;
  }

  public long walNumber() {
    return walNumber;
  }

  // ---------------------------------------------------------------- arena

  private static byte[] chunk(byte[][] cs, long node) {
    return cs[(int) (node >>> 32)];
  }

  private static int offset(long node) {
    return (int) node;
  }

  private static long nextAcquire(byte[][] cs, long node, int level) {
    return (long) LONGS.getAcquire(chunk(cs, node), offset(node) + NEXT + 8 * level);
  }

  /** Reserves {@code bytes} (a multiple of 8) and returns the address. Writer only. */
  private long allocate(int bytes) {
    byte[][] cs = chunks;
    if (bytes > lastChunkBytes - chunkUsed) {
      int size = Math.max(CHUNK_BYTES, bytes);
      lastChunkBytes = size;
      if (chunkCount == cs.length) {
        cs = Arrays.copyOf(cs, cs.length * 2);
      }
      cs[chunkCount] = new byte[size];
      chunkCount++;
      chunkUsed = 0;
      chunkBytesTotal += size;
      chunks = cs;
    }
    long address = ((long) (chunkCount - 1) << 32) | chunkUsed;
    chunkUsed += bytes;
    return address;
  }

  private int randomHeight() {
    int h = 1;
    while (h < HEIGHT_MAX) {
      rng ^= rng << 13;
      rng ^= rng >>> 7;
      rng ^= rng << 17;
      if ((rng & (BRANCHING - 1)) != 0) {
        break;
      }
      h++;
    }
    return h;
  }

  private static int keyLength(byte[] c, int o) {
    return Coding.getInt(c, o + KEY_LENGTH_HEIGHT) & KEY_LENGTH_MASK;
  }

  /** Offset of the aux field, if the node has one: just after the tower. */
  private static int towerEnd(byte[] c, int o) {
    return o
        + NEXT
        + 8 * ((Coding.getInt(c, o + KEY_LENGTH_HEIGHT) >>> HEIGHT_SHIFT) & HEIGHT_MASK);
  }

  private static boolean hasAux(long seqKind) {
    return InternalKeys.kind(seqKind) != InternalKeys.KIND_PUT;
  }

  /** Offset of the node's key. */
  private static int keyOffset(byte[] c, int o) {
    int word = Coding.getInt(c, o + KEY_LENGTH_HEIGHT);
    return o
        + NEXT
        + 8 * ((word >>> HEIGHT_SHIFT) & HEIGHT_MASK)
        + ((word & AUX_FLAG) != 0 ? 8 : 0);
  }

  private static long aux(byte[] c, int o, long seqKind) {
    return hasAux(seqKind) ? Coding.getLong(c, towerEnd(c, o)) : 0;
  }

  // ---------------------------------------------------------------- key filter

  private int filterBase(long hash) {
    return (int) (((hash >>> 32) * filterLines) >>> 32) * 8;
  }

  private void addToFilter(long hash) {
    int base = filterBase(hash);
    int a = (int) hash;
    int delta = (a >>> 17) | (a << 15) | 1;
    for (int j = 0; j < FILTER_PROBES; j++) {
      filter[base + ((a & 511) >>> 6)] |= 1L << a;
      a += delta;
    }
  }

  /**
   * Whether a record of the user key with this {@link BloomFilter#hash} may be present (false: it
   * certainly is not, among the records published before this call).
   */
  public boolean mayContain(long hash) {
    int base = filterBase(hash);
    int a = (int) hash;
    int delta = (a >>> 17) | (a << 15) | 1;
    for (int j = 0; j < FILTER_PROBES; j++) {
      if ((filter[base + ((a & 511) >>> 6)] & (1L << a)) == 0) {
        return false;
      }
      a += delta;
    }
    return true;
  }

  // ---------------------------------------------------------------- comparisons

  /** Compares the record at {@code node} with the internal key (key, version, seqKind). */
  private static int compare(
      byte[][] cs, long node, byte[] key, int keyLength, long version, long seqKind) {
    byte[] c = chunk(cs, node);
    int o = offset(node);
    int kl = keyLength(c, o);
    int ko = keyOffset(c, o);
    return InternalKeys.compare(
        c,
        ko,
        kl,
        Coding.getLong(c, o + VERSION),
        Coding.getLong(c, o + SEQ_KIND),
        key,
        0,
        keyLength,
        version,
        seqKind);
  }

  /**
   * The first node {@code >=} the target, or 0; fills {@code prev} (if not null) with the last node
   * before it on each level.
   */
  private long findGreaterOrEqual(
      byte[][] cs, byte[] key, int keyLength, long version, long seqKind, long[] prev) {
    long x = HEAD;
    int level = height - 1;
    while (true) {
      long next = nextAcquire(cs, x, level);
      if (next != 0 && compare(cs, next, key, keyLength, version, seqKind) < 0) {
        x = next;
      } else {
        if (prev != null) {
          prev[level] = x;
        }
        if (level == 0) {
          return next;
        }
        level--;
      }
    }
  }

  /** The last node {@code <} the target, or 0 if none. */
  private long findLessThan(byte[][] cs, byte[] key, int keyLength, long version, long seqKind) {
    long x = HEAD;
    int level = height - 1;
    while (true) {
      long next = nextAcquire(cs, x, level);
      if (next != 0 && compare(cs, next, key, keyLength, version, seqKind) < 0) {
        x = next;
      } else if (level == 0) {
        return x == HEAD ? 0 : x;
      } else {
        level--;
      }
    }
  }

  /** The last node, or 0 if empty. */
  private long findLast(byte[][] cs) {
    long x = HEAD;
    int level = height - 1;
    while (true) {
      long next = nextAcquire(cs, x, level);
      if (next != 0) {
        x = next;
      } else if (level == 0) {
        return x == HEAD ? 0 : x;
      } else {
        level--;
      }
    }
  }

  // ---------------------------------------------------------------- writes

  /**
   * Whether the predecessors of the last insert ({@link #prevScratch}, with the last node itself on
   * the levels it reached) are also the predecessors of the new record: true when it sorts after
   * the last one and before each of their successors. Then the insert skips the search from the
   * head (RocksDB's "splice"), so a sequential load costs a few comparisons per record instead of a
   * descent through every level.
   */
  private boolean spliceFits(byte[][] cs, byte[] key, long version, long seqKind) {
    if (lastNode == 0 || compare(cs, lastNode, key, key.length, version, seqKind) >= 0) {
      return false;
    }
    for (int i = height - 1; i >= 0; i--) {
      long next = nextAcquire(cs, prevScratch[i], i);
      if (next != 0 && compare(cs, next, key, key.length, version, seqKind) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds a record. Single writer. {@code aux} is the expiry of a put with expiry or the delete time
   * of a tombstone; a plain put has none (ignored, read back as 0).
   */
  public void add(byte[] key, long version, long seq, int kind, long aux, byte[] value) {
    byte[] v = value == null ? EMPTY : value;
    long seqKind = InternalKeys.seqKind(seq, kind);
    byte[][] cs = chunks;
    long[] prev = prevScratch;
    if (!spliceFits(cs, key, version, seqKind)) {
      findGreaterOrEqual(cs, key, key.length, version, seqKind, prev);
    }
    int h = randomHeight();
    int currentHeight = height;
    if (h > currentHeight) {
      for (int i = currentHeight; i < h; i++) {
        prev[i] = HEAD;
      }
      // Readers that still see the old height simply start lower; the head's new levels are
      // linked below before anyone needs them.
      height = h;
    }
    addToFilter(BloomFilter.hash(key, 0, key.length));
    int auxBytes = hasAux(seqKind) ? 8 : 0;
    int bytes = (NEXT + 8 * h + auxBytes + key.length + v.length + 7) & ~7;
    long node = allocate(bytes);
    cs = chunks;
    byte[] c = chunk(cs, node);
    int o = offset(node);
    Coding.putLong(c, o + VERSION, version);
    Coding.putLong(c, o + SEQ_KIND, seqKind);
    Coding.putInt(
        c, o + KEY_LENGTH_HEIGHT, key.length | h << HEIGHT_SHIFT | (auxBytes > 0 ? AUX_FLAG : 0));
    Coding.putInt(c, o + VALUE_LENGTH, v.length);
    if (auxBytes > 0) {
      Coding.putLong(c, o + NEXT + 8 * h, aux);
    }
    int ko = o + NEXT + 8 * h + auxBytes;
    System.arraycopy(key, 0, c, ko, key.length);
    System.arraycopy(v, 0, c, ko + key.length, v.length);
    for (int i = 0; i < h; i++) {
      long p = prev[i];
      long succ = nextAcquire(cs, p, i);
      LONGS.set(c, o + NEXT + 8 * i, succ);
      // Publishes the node at this level: everything written above is visible to a reader that
      // reaches it.
      LONGS.setRelease(chunk(cs, p), offset(p) + NEXT + 8 * i, node);
      prev[i] = node;
    }
    lastNode = node;
    arenaBytes = chunkBytesTotal - (lastChunkBytes - chunkUsed);
    if (version > versionMax) {
      versionMax = version;
    }
    if (seq < seqMin) {
      seqMin = seq;
    }
    if (seq > seqMax) {
      seqMax = seq;
    }
    count++;
  }

  /** Arena bytes in use (records, their towers and the unused tails of full chunks). */
  public long approximateBytes() {
    return arenaBytes;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  public long count() {
    return count;
  }

  public long versionMax() {
    return versionMax;
  }

  public long seqMin() {
    return seqMin;
  }

  public long seqMax() {
    return seqMax;
  }

  // ---------------------------------------------------------------- reads

  /**
   * Offers each record of {@code key} visible at {@code snapshotSeq} to {@code best}, stopping
   * early once versions fall below what {@code best} holds.
   */
  public void get(byte[] key, long snapshotSeq, RecordHolder best) {
    byte[][] cs = chunks;
    long x = findGreaterOrEqual(cs, key, key.length, Long.MAX_VALUE, PROBE_SEQ_KIND, null);
    while (x != 0) {
      cs = chunks;
      byte[] c = chunk(cs, x);
      int o = offset(x);
      int kl = keyLength(c, o);
      int ko = keyOffset(c, o);
      if (!Arrays.equals(c, ko, ko + kl, key, 0, key.length)) {
        return;
      }
      long version = Coding.getLong(c, o + VERSION);
      if (best.found() && version < best.version()) {
        return;
      }
      long seqKind = Coding.getLong(c, o + SEQ_KIND);
      if (InternalKeys.seq(seqKind) <= snapshotSeq) {
        best.offer(
            version,
            InternalKeys.kind(seqKind),
            aux(c, o, seqKind),
            c,
            ko + kl,
            Coding.getInt(c, o + VALUE_LENGTH));
      }
      x = nextAcquire(cs, x, 0);
    }
  }

  /** Whether any record of {@code key} (any version or sequence) is present. */
  public boolean containsKey(byte[] key, int keyLength) {
    byte[][] cs = chunks;
    long x = findGreaterOrEqual(cs, key, keyLength, Long.MAX_VALUE, PROBE_SEQ_KIND, null);
    if (x == 0) {
      return false;
    }
    cs = chunks;
    byte[] c = chunk(cs, x);
    int o = offset(x);
    int kl = keyLength(c, o);
    int ko = keyOffset(c, o);
    return Arrays.equals(c, ko, ko + kl, key, 0, keyLength);
  }

  /** An iterator in the given direction; weakly consistent (records added meanwhile may appear). */
  public InternalIterator iterator(boolean forward) {
    return new MemIterator(forward);
  }

  private final class MemIterator implements InternalIterator {
    private final boolean forward;
    private long node;
    private byte[] chunk;
    private byte[] key = new byte[32];
    private int keyLength;
    private long version;
    private long seqKind;
    private long aux;
    private int valueOffset;
    private int valueLength;

    MemIterator(boolean forward) {
      this.forward = forward;
    }

    @Override
    public void seek(byte[] bound) {
      byte[][] cs = chunks;
      if (bound == null) {
        position(forward ? nextAcquire(cs, HEAD, 0) : findLast(cs));
      } else if (forward) {
        position(findGreaterOrEqual(cs, bound, bound.length, Long.MAX_VALUE, PROBE_SEQ_KIND, null));
      } else {
        position(findLessThan(cs, bound, bound.length, Long.MAX_VALUE, PROBE_SEQ_KIND));
      }
    }

    private void position(long x) {
      node = x;
      if (x == 0) {
        chunk = null;
        return;
      }
      byte[] c = chunk(chunks, x);
      int o = offset(x);
      chunk = c;
      keyLength = Memtable.keyLength(c, o);
      int ko = keyOffset(c, o);
      if (key.length < keyLength) {
        key = new byte[Math.max(keyLength, key.length * 2)];
      }
      // Keys are handed out at offset 0 (the iterator contract), so they are copied; values are
      // read in place.
      System.arraycopy(c, ko, key, 0, keyLength);
      version = Coding.getLong(c, o + VERSION);
      seqKind = Coding.getLong(c, o + SEQ_KIND);
      aux = Memtable.aux(c, o, seqKind);
      valueOffset = ko + keyLength;
      valueLength = Coding.getInt(c, o + VALUE_LENGTH);
    }

    @Override
    public boolean valid() {
      return node != 0;
    }

    @Override
    public void advance() {
      byte[][] cs = chunks;
      if (forward) {
        position(nextAcquire(cs, node, 0));
      } else {
        // No back pointers (leveldb): find the last node before this one.
        position(findLessThan(cs, key, keyLength, version, seqKind));
      }
    }

    @Override
    public byte[] keyBuffer() {
      return key;
    }

    @Override
    public int keyLength() {
      return keyLength;
    }

    @Override
    public long version() {
      return version;
    }

    @Override
    public long seqKind() {
      return seqKind;
    }

    @Override
    public long aux() {
      return aux;
    }

    @Override
    public byte[] valueBuffer() {
      return chunk;
    }

    @Override
    public int valueOffset() {
      return valueOffset;
    }

    @Override
    public int valueLength() {
      return valueLength;
    }

    @Override
    public void close() {
      node = 0;
      chunk = null;
    }
  }
}
