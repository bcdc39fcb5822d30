package org.ppdb.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a command's option values come from when the command line does not give them, in order of
 * precedence: the command line, then an environment variable, then the configuration file, then the
 * option's built-in default.
 *
 * <p>The option {@code --data-dir} is read from the environment variable {@code PPDB_DATA_DIR} and
 * from the key {@code data-dir} of the configuration file. The file is a Java properties file
 * ({@code key = value} lines, {@code #} comments) named by {@code --config FILE} or {@code
 * PPDB_CONFIG}. A key that names no option of the command is an error, so a typo never passes
 * silently.
 */
final class LayeredDefaults implements CommandLine.IDefaultValueProvider {

  static final String CONFIG_OPTION = "--config";
  static final String CONFIG_ENV = "PPDB_CONFIG";

  private final Map<String, String> environment;
  private final Properties file;
  private final Path filePath;

  private LayeredDefaults(Map<String, String> environment, Properties file, Path filePath) {
    this.environment = environment;
    this.file = file;
    this.filePath = filePath;
  }

  /**
   * Reads the configuration file named in {@code args} ({@code --config FILE} or {@code
   * --config=FILE}) or in the environment, if any.
   *
   * @throws IllegalArgumentException when a file is named but cannot be read
   */
  static LayeredDefaults from(String[] args, Map<String, String> environment) {
    Path path = configPath(args, environment);
    Properties properties = new Properties();
    if (path != null) {
      try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("config file not found: " + path);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "cannot read config file " + path + ": " + e.getMessage());
      }
    }
    return new LayeredDefaults(Map.copyOf(environment), properties, path);
  }

  private static Path configPath(String[] args, Map<String, String> environment) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_OPTION) && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith(CONFIG_OPTION + "=")) {
        return Path.of(args[i].substring(CONFIG_OPTION.length() + 1));
      }
    }
    String fromEnvironment = environment.get(CONFIG_ENV);
    return fromEnvironment == null || fromEnvironment.isBlank() ? null : Path.of(fromEnvironment);
  }

  private static void removeOptionsOf(CommandSpec spec, TreeSet<String> keys) {
    for (OptionSpec option : spec.options()) {
      keys.remove(key(option.longestName()));
    }
    for (CommandLine sub : spec.subcommands().values()) {
      removeOptionsOf(sub.getCommandSpec(), keys);
    }
  }

  /** The environment variable that sets an option: {@code --data-dir} is {@code PPDB_DATA_DIR}. */
  static String environmentName(String longOption) {
    return "PPDB_" + key(longOption).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static String key(String longOption) {
    return longOption.replaceFirst("^--", "");
  }

  @Override
  public String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option) || option.longestName().equals(CONFIG_OPTION)) {
      return null;
    }
    String name = option.longestName();
    String fromEnvironment = environment.get(environmentName(name));
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    return file.getProperty(key(name));
  }

  /**
   * Fails when the configuration file holds a key that is no option of any ppdb command. One file
   * serves every command (a peer's file also tells {@code ppdb get} its {@code client-port}), so
   * keys of other commands are allowed; a key no command knows is a typo.
   *
   * @param command the command being run (its options are listed in the error)
   * @param root the top command, whose subcommands' options are all accepted
   * @throws IllegalArgumentException naming the unknown keys and the file
   */
  void checkKeys(CommandSpec command, CommandSpec root) {
    TreeSet<String> unknown = new TreeSet<>(file.stringPropertyNames());
    removeOptionsOf(root, unknown);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown key"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + " in config file "
              + filePath
              + " (options of '"
              + command.qualifiedName()
              + "': "
              + String.join(
                  ", ",
                  command.options().stream()
                      .map(o -> key(o.longestName()))
                      .filter(k -> !List.of("help", "version", "config").contains(k))
                      .sorted()
                      .toList())
              + ")");
    }
  }
}
