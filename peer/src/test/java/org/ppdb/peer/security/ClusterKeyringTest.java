package org.ppdb.peer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterKeyringTest {
  @TempDir Path directory;

  @Test
  void secretFileListsPrimaryFirstAndIgnoresCommentsAndBlankLines() throws IOException {
    Path file = directory.resolve("secret");
    Files.writeString(
        file,
        "# rotated 2026-01-01\n\n  new secret that is long enough  \nold secret that is long enough\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    ClusterKeyring keyring = ClusterKeyring.load(file, "prod");
    assertThat(keyring.keys()).hasSize(2);
    ClusterKeyring expected =
        ClusterKeyring.of(
            "prod",
            List.of(
                "new secret that is long enough".getBytes(StandardCharsets.UTF_8),
                "old secret that is long enough".getBytes(StandardCharsets.UTF_8)));
    assertThat(keyring.primary().keyId()).isEqualTo(expected.primary().keyId());
    assertThat(keyring.find(expected.keys().get(1).keyId())).isPresent();
  }

  @Test
  void derivedKeysArePinned() {
    // HKDF-SHA256 derivations are part of the protocol: a change here breaks every cluster.
    ClusterKey key = ClusterKey.derive(TestSecrets.SECRET, "default");
    assertThat(
            HexFormat.of()
                .formatHex(ClusterKey.hkdf(TestSecrets.SECRET, "ppdb v1 key id", "default", 4)))
        .isEqualTo(key.keyIdHex());
    assertThat(key.keyIdHex()).isEqualTo(GOLDEN_KEY_ID);
    // Cross-checked with an independent HKDF (Python's hmac module); docs/wire-protocol.md.
    assertThat(HexFormat.of().formatHex(key.datagramKey().getEncoded()))
        .isEqualTo("0c684aa0a7f56df6ec379a27011bb53f2154afc8ff5179aaa04d23753ca2995f");
  }

  /** Key id of {@link TestSecrets#SECRET} in cluster "default"; see derivedKeysArePinned. */
  private static final String GOLDEN_KEY_ID = "abde00e5";

  @Test
  void shortSecretsOpenFilesAndDuplicatesAreRefused() throws IOException {
    assertThatThrownBy(() -> ClusterKeyring.of("c", List.of(new byte[15])))
        .hasMessage("secret 1 length: 15 bytes (expected: >= 16)");
    assertThatThrownBy(() -> ClusterKeyring.of("c", List.of(new byte[16], new byte[16])))
        .hasMessageContaining("repeats an earlier secret");
    Path file = directory.resolve("open-secret");
    Files.writeString(file, "a secret that is long enough\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> ClusterKeyring.load(file, "c")).hasMessageContaining("chmod 600");
    Path empty = directory.resolve("empty");
    Files.writeString(empty, "# nothing\n");
    Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> ClusterKeyring.load(empty, "c"))
        .hasMessageContaining("secrets: 0 (expected: >= 1)");
  }
}
