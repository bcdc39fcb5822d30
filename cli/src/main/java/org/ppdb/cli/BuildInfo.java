package org.ppdb.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version and source commit this build of ppdb was made from, read from {@code
 * build.properties}, which Maven fills in at build time (project version, and the git commit
 * through the git-commit-id plugin).
 *
 * <p>A build made outside a git checkout has no commit; {@link #commit()} is then {@code
 * "unknown"}.
 */
public record BuildInfo(String version, String commit, boolean dirty, String commitTime) {

  private static final String RESOURCE = "build.properties";

  /** Loads the build facts packaged with this class. */
  public static BuildInfo load() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource org/ppdb/cli/" + RESOURCE);
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read org/ppdb/cli/" + RESOURCE, e);
    }
    return new BuildInfo(
        resolved(properties.getProperty("version")),
        resolved(properties.getProperty("commit")),
        Boolean.parseBoolean(properties.getProperty("dirty")),
        resolved(properties.getProperty("commitTime")));
  }

  /**
   * A value Maven could not fill in stays as its {@code ${...}} placeholder; that means unknown.
   */
  private static String resolved(String value) {
    if (value == null || value.isBlank() || value.startsWith("${")) {
      return "unknown";
    }
    return value;
  }

  /**
   * One line, for {@code ppdb version} and {@code --version}: {@code ppdb 0.1.0 (commit abc1234)}.
   */
  public String describe() {
    return "ppdb " + version + " (commit " + commit + (dirty ? ", modified" : "") + ")";
  }
}
