package org.ppdb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ppdb version}: prints the version and the commit this build was made from. */
@Command(
    name = "version",
    description = "Print the ppdb version and the source commit it was built from.")
final class VersionCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--verbose",
      description = "Also print the commit time and the Java runtime.")
  boolean verbose;

  @Override
  public Integer call() {
    BuildInfo build = BuildInfo.load();
    var out = spec.commandLine().getOut();
    out.println(build.describe());
    if (verbose) {
      out.println("commit time: " + build.commitTime());
      out.println(
          "java: "
              + System.getProperty("java.vm.name")
              + " "
              + System.getProperty("java.runtime.version"));
    }
    out.flush();
    return 0;
  }
}
