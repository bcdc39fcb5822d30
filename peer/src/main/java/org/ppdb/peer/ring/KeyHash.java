package org.ppdb.peer.ring;

import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Where keys and tokens sit on the ring: 64-bit xxHash (XXH64) positions. The seeds are part of the
 * placement of every key in every cluster: do not change them.
 */
public final class KeyHash {

  /** XXH64 seed for key positions. Frozen. */
  static final long KEY_SEED = 0x7070_6462_6b65_7973L; // "ppdbkeys"

  /** XXH64 seed for token derivation; the token's index is added to it. Frozen. */
  static final long TOKEN_SEED = 0x7070_6462_746f_6b6eL; // "ppdbtokn"

  private static final XXHash64 HASH = XXHashFactory.safeInstance().hash64();

  private KeyHash() {}

  /** The ring position of a key. */
  public static long position(byte[] key) {
    return HASH.hash(key, 0, key.length, KEY_SEED);
  }

  /**
   * {@code count} tokens derived from a member's id: deterministic, so a member that restarts with
   * the same id takes back the same ranges, and uniformly spread, since the id is itself a hash.
   */
  public static long[] tokensFor(byte[] memberId, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
    }
    long[] tokens = new long[count];
    for (int i = 0; i < count; i++) {
      tokens[i] = HASH.hash(memberId, 0, memberId.length, TOKEN_SEED + i);
    }
    return tokens;
  }
}
