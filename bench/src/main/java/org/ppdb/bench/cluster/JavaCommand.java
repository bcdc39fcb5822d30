package org.ppdb.bench.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How the benchmark starts JVMs of its own: the running JDK's {@code java} and class path. */
final class JavaCommand {
  private JavaCommand() {}

  /** The {@code java} binary of the running JDK. */
  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The class path for the benchmark's child JVMs (workers, Hazelcast members). When this JVM runs
   * from one jar ({@code bench/run}'s {@code bench/target/ppdb-bench.jar}), a copy of it in {@code
   * scratch}, so that a rebuild of the bench module during a long run (any {@code bench/run} or
   * {@code mvn package} in the shared checkout) cannot replace the jar under the children or mix
   * two builds in one report; otherwise (classes directories, as in an IDE) the class path itself.
   */
  static String childClassPath(Path scratch) throws IOException {
    String classPath = System.getProperty("java.class.path");
    if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
      return classPath;
    }
    Path copy = scratch.resolve("ppdb-bench.jar");
    if (!Files.exists(copy)) {
      Files.copy(Path.of(classPath), copy);
    }
    return copy.toString();
  }
}
