package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class LayeredDefaultsTest {

  @Command(name = "sample")
  static final class Sample implements Runnable {
    @Option(names = "--config")
    Path config;

    @Option(names = "--data-dir", defaultValue = "builtin-dir")
    String dataDir;

    @Option(names = "--port", defaultValue = "7946")
    int port;

    @Override
    public void run() {}
  }

  private static Sample parse(Map<String, String> env, String... args) {
    Sample sample = new Sample();
    CommandLine commandLine = new CommandLine(sample);
    LayeredDefaults defaults = LayeredDefaults.from(args, env);
    commandLine.setDefaultValueProvider(defaults);
    defaults.checkKeys(commandLine.getCommandSpec(), commandLine.getCommandSpec());
    commandLine.parseArgs(args);
    return sample;
  }

  @Test
  void builtInDefaultsApplyWhenNothingElseSetsAValue() {
    Sample sample = parse(Map.of());
    assertThat(sample.dataDir).isEqualTo("builtin-dir");
    assertThat(sample.port).isEqualTo(7946);
  }

  @Test
  void commandLineBeatsEnvironmentBeatsFileBeatsBuiltIn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ppdb.properties");
    Files.writeString(file, "# comment\ndata-dir = from-file\nport = 1111\n");
    Map<String, String> env = Map.of("PPDB_PORT", "2222");

    Sample fileOnly = parse(Map.of(), "--config", file.toString());
    assertThat(fileOnly.dataDir).isEqualTo("from-file");
    assertThat(fileOnly.port).isEqualTo(1111);

    Sample withEnv = parse(env, "--config=" + file);
    assertThat(withEnv.port).isEqualTo(2222);
    assertThat(withEnv.dataDir).isEqualTo("from-file");

    Sample withArgs = parse(env, "--config", file.toString(), "--port", "3333");
    assertThat(withArgs.port).isEqualTo(3333);
  }

  @Test
  void configFileCanBeNamedByTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ppdb.properties");
    Files.writeString(file, "data-dir=env-named\n");
    assertThat(parse(Map.of("PPDB_CONFIG", file.toString())).dataDir).isEqualTo("env-named");
  }

  @Test
  void unknownKeyInTheFileIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ppdb.properties");
    Files.writeString(file, "data-dir=x\nprot=7946\n");
    assertThatThrownBy(() -> parse(Map.of(), "--config", file.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key prot in config file " + file)
        .hasMessageContaining("data-dir, port");
  }

  @Test
  void missingConfigFileIsAClearError(@TempDir Path dir) {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> parse(Map.of(), "--config", missing.toString()))
        .hasMessage("config file not found: " + missing);
  }

  @Test
  void environmentNamesFollowTheOptionNames() {
    assertThat(LayeredDefaults.environmentName("--data-dir")).isEqualTo("PPDB_DATA_DIR");
    assertThat(LayeredDefaults.environmentName("--cluster-secret-file"))
        .isEqualTo("PPDB_CLUSTER_SECRET_FILE");
  }
}
