package org.ppdb.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {
  @TempDir Path dataDirectory;

  private static SecureRandom seeded(long seed) throws Exception {
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(seed);
    return random;
  }

  @Test
  void firstStartCreatesAnIdentityThatLaterStartsLoad() throws Exception {
    NodeIdentity first = IdentityStore.loadOrCreate(dataDirectory, seeded(1));
    NodeIdentity second = IdentityStore.loadOrCreate(dataDirectory, seeded(2));
    assertThat(second.nodeId()).isEqualTo(first.nodeId());
    assertThat(second.publicKey()).isEqualTo(first.publicKey());
    Path file = dataDirectory.resolve(IdentityStore.FILE_NAME);
    assertThat(Files.size(file)).isEqualTo(IdentityStore.FILE_BYTES);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var entries = Files.list(dataDirectory)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void nodeIdIsTheFirst160BitsOfSha256OfTheRawPublicKey() throws Exception {
    NodeIdentity identity = NodeIdentity.generate(seeded(3));
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(identity.publicKey());
    assertThat(identity.nodeId().toBytes()).isEqualTo(Arrays.copyOf(digest, 20));
  }

  @Test
  void rfc8032TestVector1GivesTheKnownPublicKey() {
    // RFC 8032, section 7.1, TEST 1.
    byte[] secret =
        HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    NodeIdentity identity = NodeIdentity.fromPrivateKey(secret);
    assertThat(HexFormat.of().formatHex(identity.publicKey()))
        .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    byte[] signature = identity.sign(new byte[0]);
    assertThat(HexFormat.of().formatHex(signature))
        .isEqualTo(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    assertThat(NodeIdentity.verify(identity.publicKey(), new byte[0], signature)).isTrue();
    assertThat(NodeIdentity.verify(identity.publicKey(), new byte[] {1}, signature)).isFalse();
  }

  @Test
  void truncatedFileIsRefusedNotReplaced() throws Exception {
    IdentityStore.loadOrCreate(dataDirectory, seeded(4));
    Path file = dataDirectory.resolve(IdentityStore.FILE_NAME);
    byte[] content = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(content, 40));
    assertThatThrownBy(() -> IdentityStore.loadOrCreate(dataDirectory, seeded(5)))
        .isInstanceOf(IdentityFileException.class)
        .hasMessageContaining("size 40 bytes (expected: 76)");
    assertThat(Files.readAllBytes(file)).hasSize(40);
  }

  @Test
  void everySingleBitFlipIsDetected() throws Exception {
    IdentityStore.loadOrCreate(dataDirectory, seeded(6));
    Path file = dataDirectory.resolve(IdentityStore.FILE_NAME);
    byte[] original = Files.readAllBytes(file);
    for (int bit = 0; bit < original.length * 8; bit++) {
      byte[] flipped = original.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      Files.write(file, flipped);
      int flippedBit = bit;
      assertThatThrownBy(() -> IdentityStore.load(file))
          .as("bit %d", flippedBit)
          .isInstanceOf(IdentityFileException.class);
    }
  }

  @Test
  void fileReadableByOthersIsRefused() throws Exception {
    IdentityStore.loadOrCreate(dataDirectory, seeded(7));
    Path file = dataDirectory.resolve(IdentityStore.FILE_NAME);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> IdentityStore.loadOrCreate(dataDirectory, seeded(8)))
        .isInstanceOf(IdentityFileException.class)
        .hasMessageContaining("chmod 600");
  }

  @Test
  void leftoverTemporaryFileFromACrashIsRemoved() throws Exception {
    Path stale = dataDirectory.resolve(IdentityStore.FILE_NAME + ".tmp-0011223344556677");
    Files.write(stale, new byte[] {1, 2, 3});
    NodeIdentity identity = IdentityStore.loadOrCreate(dataDirectory, seeded(9));
    assertThat(stale).doesNotExist();
    assertThat(IdentityStore.load(dataDirectory.resolve(IdentityStore.FILE_NAME)))
        .isEqualTo(identity);
  }
}
