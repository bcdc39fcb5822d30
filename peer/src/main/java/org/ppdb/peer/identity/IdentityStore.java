package org.ppdb.peer.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Keeps a node's {@link NodeIdentity} in its data directory, in the file {@value #FILE_NAME}.
 *
 * <p>File format (76 bytes, all fixed size; see docs/wire-protocol.md, "Identity file"):
 *
 * <pre>
 *   offset  size  field
 *        0     8  magic "PPDBNID1" (ASCII; the trailing digit is the format version)
 *        8    32  Ed25519 private key (RFC 8032 seed)
 *       40    32  Ed25519 public key, checked against the one derived from the private key
 *       72     4  CRC-32C of bytes 0..71, big-endian
 * </pre>
 *
 * <p>Creation is crash-safe: the key is written to a temporary file created with owner-only
 * permissions (0600), forced to disk, then linked to its final name (which fails instead of
 * replacing if another process got there first), and the directory is forced. The final file
 * therefore either does not exist or is complete; a kill -9 at any moment leaves at worst a
 * temporary file, removed on the next start.
 *
 * <p>Loading never replaces an existing identity: any problem (wrong size, magic or checksum, a
 * public key that does not match the private key, or permissions that let others read it) throws
 * {@link IdentityFileException} naming the file and the problem. Static methods; safe to call from
 * any thread, but two processes must not share one data directory.
 */
public final class IdentityStore {
  /** Name of the identity file inside the data directory. */
  public static final String FILE_NAME = "node-identity.key";

  static final byte[] MAGIC = "PPDBNID1".getBytes(StandardCharsets.US_ASCII);
  static final int FILE_BYTES = MAGIC.length + 32 + 32 + 4;
  private static final String TEMP_PREFIX = FILE_NAME + ".tmp-";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private IdentityStore() {}

  /**
   * Loads the identity kept in {@code dataDirectory}, or makes, stores and returns a new one if the
   * directory holds none. Creates the directory if needed.
   *
   * @throws IdentityFileException if an identity file exists but cannot be used
   * @throws IOException if the directory or file cannot be read or written
   */
  public static NodeIdentity loadOrCreate(Path dataDirectory, SecureRandom random)
      throws IOException {
    Files.createDirectories(dataDirectory);
    Path file = dataDirectory.resolve(FILE_NAME);
    removeStaleTemporaryFiles(dataDirectory);
    if (Files.exists(file)) {
      return load(file);
    }
    NodeIdentity created = NodeIdentity.generate(random);
    try {
      write(file, created, random);
    } catch (FileAlreadyExistsException raced) {
      // Another process created it between our check and our link: theirs wins, ours is dropped.
      return load(file);
    }
    return created;
  }

  /**
   * Reads and checks an identity file.
   *
   * @throws IdentityFileException if the file is corrupt or too open
   */
  public static NodeIdentity load(Path file) throws IOException {
    checkPermissions(file);
    long size = Files.size(file);
    if (size != FILE_BYTES) {
      throw new IdentityFileException(
          file,
          "size "
              + size
              + " bytes (expected: "
              + FILE_BYTES
              + "); the file is truncated or not a ppdb identity. Restore it from a backup,"
              + " or delete it to start as a new node");
    }
    byte[] content = Files.readAllBytes(file);
    if (content.length != FILE_BYTES) {
      throw new IdentityFileException(file, "changed size while being read");
    }
    if (!Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IdentityFileException(file, "bad magic (expected: PPDBNID1); not a ppdb identity");
    }
    int stored = ByteBuffer.wrap(content, FILE_BYTES - 4, 4).getInt();
    int computed = crc32c(content, FILE_BYTES - 4);
    if (stored != computed) {
      throw new IdentityFileException(
          file,
          String.format(
              "checksum mismatch (stored: %08x, computed: %08x); the file is corrupt. Restore it"
                  + " from a backup, or delete it to start as a new node",
              stored, computed));
    }
    byte[] privateKey = Arrays.copyOfRange(content, 8, 40);
    byte[] publicKey = Arrays.copyOfRange(content, 40, 72);
    NodeIdentity identity = NodeIdentity.fromPrivateKey(privateKey);
    if (!MessageDigest.isEqual(identity.publicKey(), publicKey)) {
      throw new IdentityFileException(
          file, "the stored public key does not match the private key; the file is corrupt");
    }
    return identity;
  }

  private static void write(Path file, NodeIdentity identity, SecureRandom random)
      throws IOException {
    Path directory = file.getParent();
    byte[] content = encode(identity);
    byte[] suffix = new byte[8];
    random.nextBytes(suffix);
    Path temp = directory.resolve(TEMP_PREFIX + HexFormat.of().formatHex(suffix));
    boolean posix = isPosix(directory);
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
            : new FileAttribute<?>[0];
    try {
      try (FileChannel channel =
          FileChannel.open(
              temp,
              EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              attributes)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (posix) {
        // The umask may have narrowed the attribute but never widens it; set it exactly anyway.
        Files.setPosixFilePermissions(temp, OWNER_ONLY);
      }
      try {
        // link(2) fails if the target exists, unlike rename(2) which would silently replace it.
        Files.createLink(file, temp);
      } catch (UnsupportedOperationException noHardLinks) {
        if (Files.exists(file)) {
          throw new FileAlreadyExistsException(file.toString());
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    forceDirectory(directory);
  }

  static byte[] encode(NodeIdentity identity) {
    ByteBuffer buffer = ByteBuffer.allocate(FILE_BYTES);
    buffer.put(MAGIC).put(identity.privateKeyBytes()).put(identity.publicKey());
    buffer.putInt(crc32c(buffer.array(), FILE_BYTES - 4));
    return buffer.array();
  }

  private static void checkPermissions(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    boolean othersMayAccess =
        permissions.stream().anyMatch(permission -> !permission.name().startsWith("OWNER_"));
    if (othersMayAccess) {
      throw new IdentityFileException(
          file,
          "permissions "
              + PosixFilePermissions.toString(permissions)
              + " let other users read the private key (expected: rw-------); fix with: chmod 600 "
              + file);
    }
  }

  private static void removeStaleTemporaryFiles(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        if (entry.getFileName().toString().startsWith(TEMP_PREFIX)) {
          Files.deleteIfExists(entry);
        }
      }
    }
  }

  private static void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException notSupported) {
      // Some platforms cannot open or force a directory; the file itself was forced.
    }
  }

  private static boolean isPosix(Path directory) {
    return Files.getFileAttributeView(directory, PosixFileAttributeView.class) != null;
  }

  private static int crc32c(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }
}
