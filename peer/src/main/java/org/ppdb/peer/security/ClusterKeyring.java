package org.ppdb.peer.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster keys a node accepts: one per secret in the cluster secret file. The first is the
 * primary: it seals every outgoing datagram and signs this node's TLS certificate. All are accepted
 * when opening datagrams and when checking peers' certificates, so a secret can be rotated without
 * downtime:
 *
 * <ol>
 *   <li>append the new secret to every node's secret file and restart them one by one (new key
 *       accepted everywhere, old key still primary);
 *   <li>move the new secret to the first line everywhere, restarting one by one (new key primary,
 *       old key still accepted);
 *   <li>remove the old secret everywhere.
 * </ol>
 *
 * <p>Each step must reach every node before the next starts: TLS is mutual, so two nodes talk only
 * if each accepts the key that signed the other's certificate.
 *
 * <p>Secret file format: UTF-8 text, one secret per line; blank lines and lines starting with
 * {@code #} are ignored; surrounding white space is trimmed. A secret must be at least {@value
 * #SECRET_BYTES_MIN} bytes (for example {@code openssl rand -base64 32}); at most {@value
 * #KEYS_MAX} secrets. The file must not be readable by other users.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClusterKeyring {
  /** Shortest accepted secret, in bytes: shorter secrets are guessable offline. */
  public static final int SECRET_BYTES_MIN = 16;

  /** Most secrets in one keyring; each costs one AES-GCM attempt per unknown-key datagram. */
  public static final int KEYS_MAX = 8;

  private final String clusterName;
  private final List<ClusterKey> keys;

  private ClusterKeyring(String clusterName, List<ClusterKey> keys) {
    this.clusterName = clusterName;
    this.keys = List.copyOf(keys);
  }

  /**
   * Builds a keyring from secrets, primary first.
   *
   * @throws IllegalArgumentException if there is no secret, too many, one is too short, or two
   *     derive the same key id
   */
  public static ClusterKeyring of(String clusterName, List<byte[]> secrets) {
    checkClusterName(clusterName);
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("secrets: 0 (expected: >= 1)");
    }
    if (secrets.size() > KEYS_MAX) {
      throw new IllegalArgumentException(
          "secrets: " + secrets.size() + " (expected: <= " + KEYS_MAX + ")");
    }
    List<ClusterKey> keys = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < secrets.size(); i++) {
      byte[] secret = secrets.get(i);
      if (secret.length < SECRET_BYTES_MIN) {
        throw new IllegalArgumentException(
            "secret "
                + (i + 1)
                + " length: "
                + secret.length
                + " bytes (expected: >= "
                + SECRET_BYTES_MIN
                + ")");
      }
      ClusterKey key = ClusterKey.derive(secret, clusterName);
      if (!ids.add(key.keyId())) {
        throw new IllegalArgumentException(
            "secret " + (i + 1) + " repeats an earlier secret (key id " + key.keyIdHex() + ")");
      }
      keys.add(key);
    }
    return new ClusterKeyring(clusterName, keys);
  }

  /**
   * Reads the cluster secret file (format in the class comment).
   *
   * @throws IOException if the file cannot be read, is readable by others, or holds no valid
   *     secret; the message names the file
   */
  public static ClusterKeyring load(Path secretFile, String clusterName) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(secretFile, PosixFileAttributeView.class);
    if (view != null) {
      Set<PosixFilePermission> permissions = view.readAttributes().permissions();
      if (permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
        throw new IOException(
            "cluster secret file "
                + secretFile
                + ": permissions "
                + PosixFilePermissions.toString(permissions)
                + " let other users read the secret (expected: rw------- or r--------); fix with:"
                + " chmod 600 "
                + secretFile);
      }
    }
    List<byte[]> secrets = new ArrayList<>();
    for (String line : Files.readAllLines(secretFile, StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        secrets.add(trimmed.getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      return of(clusterName, secrets);
    } catch (IllegalArgumentException e) {
      throw new IOException("cluster secret file " + secretFile + ": " + e.getMessage(), e);
    }
  }

  static void checkClusterName(String clusterName) {
    int length = clusterName.getBytes(StandardCharsets.UTF_8).length;
    if (length == 0 || length > 255) {
      throw new IllegalArgumentException(
          "cluster name length: " + length + " bytes (expected: 1..255)");
    }
  }

  /** The cluster name every key was derived for. */
  public String clusterName() {
    return clusterName;
  }

  /** The key that seals outgoing datagrams and signs this node's certificate. */
  public ClusterKey primary() {
    return keys.get(0);
  }

  /** All accepted keys, primary first. */
  public List<ClusterKey> keys() {
    return keys;
  }

  /** The accepted key with {@code keyId}, if any. */
  public Optional<ClusterKey> find(int keyId) {
    for (ClusterKey key : keys) {
      if (key.keyId() == keyId) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "ClusterKeyring(" + clusterName + ", " + keys + ")";
  }
}
