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
 * <p><b>Point-read index.</b> A point read used to descend the skip list: about twenty dependent
 * cache misses through {@link InternalKeys#compare} in a full 64 MiB memtable, 8-15% of a peer's
 * CPU under a GET load. Like Redis, which answers a GET with one hash probe, the memtable keeps an
 * open-addressing hash table (linear probing, Knuth TAOCP vol. 3, 6.4 "Algorithm L") from each
 * distinct user key to its node that is FIRST in internal order (highest version, then highest
 * sequence): the node a descent to {@code (key, Long.MAX_VALUE, SEQ_MAX)} would find. A read probes
 * the table and starts the level-0 walk at that node; a key the table lacks is absent (no descent).
 * A slot is one {@code long}: the high 32 bits of the key's hash as a fingerprint, so a miss almost
 * never dereferences a node, and the node's address packed in the low 32, with a "sole" bit saying
 * the key has no other record, so a hit on a key written once stops after one node without touching
 * its successor. A hit thus costs two cache misses (slot, node), a miss one; the table's bucket is
 * taken from the fingerprint's top bits, so growing it rehashes without reading any key.
 *
 * <p>Why a reader never misses a record it must see. The single writer updates the table inside
 * {@link #add}, after the node is linked at every level, with release stores (a reader acquires a
 * slot, so the node and its level-0 link are visible through it). A reader's snapshot sequence is
 * at most the engine's visible sequence when it started, and the engine publishes a write group's
 * sequence only after {@code add} returned for all of it (LsmEngine#commit; recovery fills a
 * memtable nobody reads; immutable memtables are complete). So every record a reader may return was
 * added, index update included, before the reader started, and: (1) a slot the reader finds names
 * either the first node of the key among those records or a node that sorts before it and was added
 * later, with a sequence above the snapshot; the walk from there skips it and passes every record
 * of the key that follows, published or not; (2) a key the reader does not find had no published
 * record; (3) a "sole" mark the reader sees was cleared before any published second record of the
 * key was added. The table is replaced by one twice as large when its load passes {@value
 * #INDEX_LOAD_PERCENT_GROW}%, published through a volatile field; a reader still on the old one is
 * right by the same argument, since everything that went into the new table only was added after
 * the switch, above its snapshot. {@link #containsKey} and {@link #mayContain} read the same table,
 * so they see every record published before the call (and possibly later ones).
 *
 * <p>Bounds and memory. The table starts at one slot per {@value #INDEX_ARENA_BYTES_PER_SLOT} arena
 * bytes of capacity (2 MiB for 64 MiB) and doubles up to one slot per {@value
 * #INDEX_ARENA_BYTES_PER_SLOT_MIN} bytes (16 MiB for 64 MiB), where it may fill to {@value
 * #INDEX_LOAD_PERCENT_MAX}%. That suffices for any memtable filled to its capacity with keys of 3
 * bytes or more, since a node of such a key takes at least 40 bytes; with 16-byte keys and 100-byte
 * values a full 64 MiB memtable (about 430k keys) ends at 1 Mi slots, 8 MiB (the whole-key Bloom
 * filter it replaces took 1 MiB, but cost a descent on every hit). Only an overfilled memtable (a
 * write group lands whole after the size check) or one of tiny keys can run out: a key that finds
 * no room is left out ({@link #unindexedKeys} counts them), and from then on a read that does not
 * find its key falls back to the descent, so results never change. The table is on-heap beside the
 * arena and is not part of {@link #approximateBytes()}, which drives flushes; {@link #indexBytes()}
 * reports it.
 */
public final class Memtable {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
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

  /** Initial index size: one slot per this many arena bytes of capacity. */
  static final int INDEX_ARENA_BYTES_PER_SLOT = 256;

  /** Largest index: one slot per this many arena bytes of capacity (a quarter of it in bytes). */
  static final int INDEX_ARENA_BYTES_PER_SLOT_MIN = 32;

  static final int INDEX_SLOTS_MIN = 16;
  // 32 Mi slots, 256 MiB: the bound for the largest memtable LsmOptions allows (1 GiB).
  static final int INDEX_SLOTS_MAX = 1 << 25;

  /** The index doubles when its load passes this (linear probing stays near one probe). */
  static final int INDEX_LOAD_PERCENT_GROW = 60;

  /** At its largest size the index takes keys up to this load (about 13 probes for a miss). */
  static final int INDEX_LOAD_PERCENT_MAX = 80;

  // Slot layout, low 32 bits: sole << 31 | chunk << 17 | offset >>> 3 (offsets are 8-aligned and
  // below CHUNK_BYTES < 2^20); high 32 bits: the fingerprint. 0 is an empty slot (no node sits at
  // address 0).
  private static final int SLOT_OFFSET_BITS = 17;
  private static final int SLOT_CHUNKS_MAX = 1 << 14;
  private static final long SLOT_SOLE = 1L << 31;
  private static final long SLOT_ADDRESS_MASK = SLOT_SOLE - 1;

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
  // The point-read index (see the class comment); replaced, never shrunk, by the writer only;
  // null once abandoned (see index()).
  private volatile long[] index;
  private final int indexSlotsMax;
  private int indexKeys;
  // Set once a key found no room (or its address no encoding): reads that miss then descend.
  private volatile boolean indexFull;
  private volatile long unindexedKeys;

  /** A memtable for {@link org.ppdb.storage.LsmOptions#MEMTABLE_BYTES_DEFAULT} bytes. */
  public Memtable(long walNumber) {
    this(walNumber, org.ppdb.storage.LsmOptions.MEMTABLE_BYTES_DEFAULT);
  }

  /**
   * A memtable whose records are logged in WAL segments numbered {@code >= walNumber}, expected to
   * hold about {@code capacityBytes} of arena (it sizes the point-read index; beyond it the index
   * may run out of room, and reads of the keys it left out descend the skip list).
   */
  public Memtable(long walNumber, long capacityBytes) {
    if (capacityBytes <= 0) {
      throw new IllegalArgumentException("capacityBytes: " + capacityBytes + " (expected: > 0)");
    }
    this.walNumber = walNumber;
    indexSlotsMax = slotsFor(capacityBytes / INDEX_ARENA_BYTES_PER_SLOT_MIN);
    index = new long[Math.min(indexSlotsMax, slotsFor(capacityBytes / INDEX_ARENA_BYTES_PER_SLOT))];
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

  // ---------------------------------------------------------------- point-read index

  /** The power of two in [INDEX_SLOTS_MIN, INDEX_SLOTS_MAX] nearest above {@code slots}. */
  private static int slotsFor(long slots) {
    long clamped = Math.max(INDEX_SLOTS_MIN, Math.min(INDEX_SLOTS_MAX, slots));
    return (int) Long.highestOneBit(clamped - 1) << 1;
  }

  private static int fingerprint(long hash) {
    return (int) (hash >>> 32);
  }

  /** The home slot: the fingerprint's top bits, so a larger table needs no key to rehash. */
  private static int home(int fingerprint, int slots) {
    return (int) ((fingerprint & 0xffffffffL) >>> (32 - Integer.numberOfTrailingZeros(slots)));
  }

  /** A slot naming {@code node}, or 0 if the address has no encoding (2^14 chunks or more). */
  private static long slot(int fingerprint, long node, boolean sole) {
    long chunk = node >>> 32;
    if (chunk >= SLOT_CHUNKS_MAX) {
      return 0;
    }
    return (long) fingerprint << 32
        | (sole ? SLOT_SOLE : 0)
        | chunk << SLOT_OFFSET_BITS
        | (long) (offset(node) >>> 3);
  }

  private static long node(long slot) {
    return ((slot & SLOT_ADDRESS_MASK) >>> SLOT_OFFSET_BITS) << 32
        | (slot & ((1L << SLOT_OFFSET_BITS) - 1)) << 3;
  }

  private static boolean keyEquals(byte[][] cs, long node, byte[] key, int keyLength) {
    byte[] c = chunk(cs, node);
    int o = offset(node);
    int ko = keyOffset(c, o);
    return Arrays.equals(c, ko, ko + keyLength(c, o), key, 0, keyLength);
  }

  /**
   * The index slot of {@code key}, or -1 if the table has none. Acquire loads: a node named by a
   * slot is fully written and linked at level 0.
   */
  private int findSlot(long[] table, int fingerprint, byte[] key, int keyLength) {
    int mask = table.length - 1;
    int i = home(fingerprint, table.length);
    while (true) {
      long s = (long) SLOTS.getAcquire(table, i);
      if (s == 0) {
        return -1;
      }
      if ((int) (s >>> 32) == fingerprint && keyEquals(chunks, node(s), key, keyLength)) {
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Records {@code node}, just linked, in the index. Writer only. {@code first}: the node sorts
   * before every other record of its key; {@code oldFirst}: the node that was first until now (0 if
   * the key is new); {@code homeSlot}: the key's home slot in {@code table} as loaded early.
   */
  private void index(
      byte[] key, long hash, long node, boolean first, long oldFirst, long[] table, long homeSlot) {
    if (table == null) {
      return;
    }
    int fp = fingerprint(hash);
    long s = slot(fp, node, oldFirst == 0);
    if (s == 0) {
      // An arena of 2^14 chunks (16 GiB, far beyond any configured memtable): the address does
      // not fit a slot, and a slot naming a node that is no longer first would hide it. Abandon
      // the index; from now on every read descends.
      index = null;
      unindexedKeys++;
      return;
    }
    int mask = table.length - 1;
    if (!first) {
      // A later record of a known key: the key's slot (if it has one) is no longer sole.
      int i = findSlot(table, fp, key, key.length);
      if (i >= 0 && (table[i] & SLOT_SOLE) != 0) {
        SLOTS.setRelease(table, i, table[i] & ~SLOT_SOLE);
      }
      return;
    }
    if (oldFirst != 0) {
      // The key's slot names oldFirst; find it by address, without reading any key. None: the
      // key found no room when it came, and reads of it descend.
      long old = slot(fp, oldFirst, false);
      int i = home(fp, table.length);
      for (long at = homeSlot; at != 0; at = table[i]) {
        if ((at & ~SLOT_SOLE) == old) {
          SLOTS.setRelease(table, i, s);
          return;
        }
        i = (i + 1) & mask;
      }
      return;
    }
    if (indexFull) {
      unindexedKeys++;
      return;
    }
    long at = homeSlot;
    if ((indexKeys + 1) * 100L > (long) table.length * INDEX_LOAD_PERCENT_GROW) {
      if (table.length < indexSlotsMax) {
        table = grow(table);
        mask = table.length - 1;
        at = table[home(fp, table.length)];
      } else if ((indexKeys + 1) * 100L > (long) table.length * INDEX_LOAD_PERCENT_MAX) {
        indexFull = true;
        unindexedKeys++;
        return;
      }
    }
    int i = home(fp, table.length);
    while (at != 0) {
      i = (i + 1) & mask;
      at = table[i];
    }
    SLOTS.setRelease(table, i, s);
    indexKeys++;
  }

  /** Copies the index into one twice as large and publishes it. Writer only. */
  private long[] grow(long[] table) {
    long[] bigger = new long[table.length * 2];
    int mask = bigger.length - 1;
    for (long s : table) {
      if (s != 0) {
        int i = home((int) (s >>> 32), bigger.length);
        while (bigger[i] != 0) {
          i = (i + 1) & mask;
        }
        bigger[i] = s;
      }
    }
    // The volatile store publishes the copied slots to readers that load the field.
    index = bigger;
    return bigger;
  }

  /**
   * Whether a record of the user key with this {@link BloomFilter#hash} may be present (false: it
   * certainly is not, among the records published before this call). Compares fingerprints only.
   */
  public boolean mayContain(long hash) {
    long[] table = index;
    if (table == null || indexFull) {
      return true;
    }
    int fp = fingerprint(hash);
    int mask = table.length - 1;
    for (int i = home(fp, table.length); ; i = (i + 1) & mask) {
      long s = (long) SLOTS.getAcquire(table, i);
      if (s == 0) {
        return false;
      }
      if ((int) (s >>> 32) == fp) {
        return true;
      }
    }
  }

  /** Bytes of the point-read index (on-heap, beside the arena; not in approximateBytes). */
  public long indexBytes() {
    long[] table = index;
    return table == null ? 0 : 8L * table.length;
  }

  /** Keys the index found no room for (reads of them, and misses, descend the skip list). */
  public long unindexedKeys() {
    return unindexedKeys;
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
    long hash = BloomFilter.hash(key, 0, key.length);
    // Loads the key's home slot now, an independent cache miss that overlaps the descent's
    // dependent ones, so the index update below finds it in cache (the table is the writer's).
    long[] table = index;
    long homeSlot = table == null ? 0 : table[home(fingerprint(hash), table.length)];
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
    // The node comes first among its key's records when its level-0 predecessor is another key.
    long before = prev[0];
    boolean first = before == HEAD || !keyEquals(cs, before, key, key.length);
    long after = 0;
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
      if (i == 0) {
        after = succ;
      }
      LONGS.set(c, o + NEXT + 8 * i, succ);
      // Publishes the node at this level: everything written above is visible to a reader that
      // reaches it.
      LONGS.setRelease(chunk(cs, p), offset(p) + NEXT + 8 * i, node);
      prev[i] = node;
    }
    // After the links: a reader reaching the node through its slot finds its successors.
    long oldFirst = first && after != 0 && keyEquals(cs, after, key, key.length) ? after : 0;
    index(key, hash, node, first, oldFirst, table, homeSlot);
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
   * early once versions fall below what {@code best} holds. Any thread; sees every record published
   * (by the engine's visible sequence) before the call.
   */
  public void get(byte[] key, long snapshotSeq, RecordHolder best) {
    get(key, BloomFilter.hash(key, 0, key.length), snapshotSeq, best);
  }

  /**
   * {@link #get(byte[], long, RecordHolder)} with the key's {@link BloomFilter#hash} already
   * computed (the engine shares it with the tables' filters). Costs one index probe, plus the key's
   * records when it is present: about two cache misses for a hit, one for a miss.
   */
  public void get(byte[] key, long hash, long snapshotSeq, RecordHolder best) {
    long[] table = index;
    if (table != null) {
      int fp = fingerprint(hash);
      int mask = table.length - 1;
      for (int i = home(fp, table.length); ; i = (i + 1) & mask) {
        long s = (long) SLOTS.getAcquire(table, i);
        if (s == 0) {
          break;
        }
        if ((int) (s >>> 32) == fp) {
          long x = node(s);
          byte[][] cs = chunks;
          if (keyEquals(cs, x, key, key.length)) {
            walk(cs, x, key, snapshotSeq, best, (s & SLOT_SOLE) != 0);
            return;
          }
        }
      }
      if (!indexFull) {
        return;
      }
    }
    byte[][] cs = chunks;
    long x = findGreaterOrEqual(cs, key, key.length, Long.MAX_VALUE, PROBE_SEQ_KIND, null);
    if (x != 0 && keyEquals(chunks, x, key, key.length)) {
      walk(chunks, x, key, snapshotSeq, best, false);
    }
  }

  /** Offers the records of {@code key} from {@code x}, the first of them, on (only x if sole). */
  private void walk(
      byte[][] cs, long x, byte[] key, long snapshotSeq, RecordHolder best, boolean sole) {
    while (true) {
      byte[] c = chunk(cs, x);
      int o = offset(x);
      int kl = keyLength(c, o);
      int ko = keyOffset(c, o);
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
      if (sole) {
        return;
      }
      x = nextAcquire(cs, x, 0);
      if (x == 0) {
        return;
      }
      // A node reached through a link may sit in a chunk added after cs was read.
      cs = chunks;
      if (!keyEquals(cs, x, key, key.length)) {
        return;
      }
    }
  }

  /**
   * Whether any record of {@code key} (any version or sequence) is present: certainly every one
   * published before the call, possibly later ones. Any thread.
   */
  public boolean containsKey(byte[] key, int keyLength) {
    long[] table = index;
    if (table != null) {
      if (findSlot(table, fingerprint(BloomFilter.hash(key, 0, keyLength)), key, keyLength) >= 0) {
        return true;
      }
      if (!indexFull) {
        return false;
      }
    }
    byte[][] cs = chunks;
    long x = findGreaterOrEqual(cs, key, keyLength, Long.MAX_VALUE, PROBE_SEQ_KIND, null);
    return x != 0 && keyEquals(chunks, x, key, keyLength);
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
