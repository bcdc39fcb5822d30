package org.ppdb.peer.security;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;

/** Fixed secrets and deterministic randomness for security tests. */
final class TestSecrets {
  static final String CLUSTER = "test-cluster";
  static final byte[] SECRET = "correct horse battery staple 42".getBytes(StandardCharsets.UTF_8);
  static final byte[] OTHER_SECRET =
      "an entirely different secret!!".getBytes(StandardCharsets.UTF_8);

  private TestSecrets() {}

  static ClusterSecurity secured(byte[]... secrets) {
    return ClusterSecurity.secured(ClusterKeyring.of(CLUSTER, List.of(secrets)));
  }

  /** SHA1PRNG seeded before first use is deterministic: reproducible keys and nonces. */
  static SecureRandom random(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
