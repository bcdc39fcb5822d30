package org.ppdb.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A minimal runner of data-driven golden files in the style of etcd's raft
 * (cockroachdb/datadriven). A file is a sequence of blocks:
 *
 * <pre>
 * # comments and blank lines between blocks
 * command key=value key=value
 * ----
 * expected output (no blank lines)
 * </pre>
 *
 * With {@code -Dppdb.rewrite=true} the expected outputs are replaced by the actual ones, to be
 * reviewed as a diff.
 */
final class DataDriven {

  /** One command of a file. */
  record Command(String name, Map<String, String> args, int line) {
    String arg(String key) {
      String v = args.get(key);
      if (v == null) {
        throw new IllegalArgumentException("line " + line + ": missing argument " + key);
      }
      return v;
    }

    String arg(String key, String otherwise) {
      return args.getOrDefault(key, otherwise);
    }
  }

  private record Block(String preamble, String commandLine, String expected, int line) {}

  private DataDriven() {}

  static void run(Path file, Function<Command, String> handler) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    StringBuilder preamble = new StringBuilder();
    int i = 0;
    while (i < lines.size()) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#")) {
        preamble.append(l).append('\n');
        i++;
        continue;
      }
      int commandLine = i + 1;
      if (i + 1 >= lines.size() || !lines.get(i + 1).equals("----")) {
        throw new IllegalArgumentException(
            file + ":" + commandLine + ": expected ---- after command");
      }
      i += 2;
      StringBuilder expected = new StringBuilder();
      while (i < lines.size() && !lines.get(i).isEmpty()) {
        expected.append(lines.get(i)).append('\n');
        i++;
      }
      blocks.add(new Block(preamble.toString(), l, expected.toString(), commandLine));
      preamble.setLength(0);
    }
    String trailing = preamble.toString();
    boolean rewrite = Boolean.getBoolean("ppdb.rewrite");
    StringBuilder rewritten = new StringBuilder();
    for (Block b : blocks) {
      String actual = handler.apply(parse(b.commandLine, b.line));
      if (actual.isEmpty()) {
        actual = "ok";
      }
      if (!actual.endsWith("\n")) {
        actual += "\n";
      }
      if (rewrite) {
        rewritten.append(b.preamble).append(b.commandLine).append("\n----\n").append(actual);
      } else {
        assertThat(actual).as("%s:%d: %s", file, b.line, b.commandLine).isEqualTo(b.expected);
      }
    }
    if (rewrite) {
      rewritten.append(trailing.isEmpty() ? "" : trailing);
      Files.writeString(file, rewritten.toString(), StandardCharsets.UTF_8);
    }
  }

  private static Command parse(String line, int lineNumber) {
    String[] tokens = line.trim().split("\\s+");
    Map<String, String> args = new LinkedHashMap<>();
    for (int t = 1; t < tokens.length; t++) {
      int eq = tokens[t].indexOf('=');
      if (eq < 0) {
        args.put(tokens[t], "");
      } else {
        args.put(tokens[t].substring(0, eq), tokens[t].substring(eq + 1));
      }
    }
    return new Command(tokens[0], args, lineNumber);
  }
}
