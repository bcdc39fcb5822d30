package org.ppdb.peer.identity;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The identity file exists but cannot be used: it is truncated, corrupt, has the wrong format, or
 * is readable by users other than its owner. The peer refuses to start rather than replace the
 * identity, because a new key would silently make it a different member of the cluster.
 */
public final class IdentityFileException extends IOException {
  private final Path path;

  /** Describes what is wrong with {@code path}; the message names the file and the fix. */
  public IdentityFileException(Path path, String problem) {
    super("identity file " + path + ": " + problem);
    this.path = path;
  }

  /** The offending file. */
  public Path path() {
    return path;
  }
}
