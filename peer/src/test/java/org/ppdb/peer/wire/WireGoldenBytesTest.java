package org.ppdb.peer.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.Kryo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the encoding of every registered wire type to the bytes in {@code
 * src/test/resources/org/ppdb/peer/wire/golden-bytes.txt}. A failure means the wire format changed:
 * if on purpose, regenerate with {@code -Dppdb.rewrite=true}, review the diff, and update
 * docs/wire-protocol.md and the protocol version.
 */
class WireGoldenBytesTest {
  private static final Path GOLDEN =
      Path.of("src/test/resources/org/ppdb/peer/wire/golden-bytes.txt");

  @Test
  void everyRegisteredTypeEncodesToItsGoldenBytesAndBack() throws IOException {
    WireCodec codec = new WireCodec(1 << 16, WireCodec.DEFAULT_MAX_DEPTH);
    Map<Integer, Object> samples = WireSamples.byId();
    Map<Integer, String> actual = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    lines.add(
        "# ppdb wire golden bytes: <registration id> <class> <hex of WireCodec.encode(sample)>");
    lines.add("# Regenerate with -Dppdb.rewrite=true; a change here is a wire protocol change.");
    for (WireRegistry.Entry entry : WireRegistry.entries()) {
      assertThat(samples).as("a sample for registered id %d", entry.id()).containsKey(entry.id());
      Object sample = samples.get(entry.id());
      byte[] encoded = codec.encode(sample);
      String hex = HexFormat.of().formatHex(encoded);
      actual.put(entry.id(), hex);
      lines.add(entry.id() + " " + entry.type().getName() + " " + hex);
      WireCodec.Decoded decoded = codec.decode(encoded);
      assertThat(decoded.ok()).as("id %d decodes: %s", entry.id(), decoded.error()).isTrue();
      assertThat(decoded.message().getClass()).isEqualTo(sample.getClass());
      // Field by field: records holding arrays compare them by identity in equals().
      assertThat(decoded.message())
          .as("id %d round trip", entry.id())
          .usingRecursiveComparison()
          .isEqualTo(sample);
      // And the decoded message encodes to the same bytes.
      assertThat(codec.encode(decoded.message()))
          .as("id %d re-encoded", entry.id())
          .isEqualTo(encoded);
    }
    if (Boolean.getBoolean("ppdb.rewrite")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.write(GOLDEN, lines, StandardCharsets.UTF_8);
    }
    Map<Integer, String> expected = new LinkedHashMap<>();
    for (String line : Files.readAllLines(GOLDEN, StandardCharsets.UTF_8)) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] parts = line.split(" ");
        expected.put(Integer.parseInt(parts[0]), parts[2]);
      }
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void builtInIdsMatchWhatKryoRegistersByDefault() {
    Kryo plain = new Kryo();
    for (WireRegistry.Entry entry : WireRegistry.entries()) {
      if (entry.id() < 10) {
        assertThat(plain.getRegistration(entry.id()).getType())
            .as("Kryo's default registration %d", entry.id())
            .isEqualTo(entry.type());
      }
    }
  }

  @Test
  void everyEntryIsRegisteredUnderItsId() {
    Kryo kryo = WireRegistry.newKryo(WireCodec.DEFAULT_MAX_DEPTH);
    for (WireRegistry.Entry entry : WireRegistry.entries()) {
      assertThat(kryo.getRegistration(entry.type()).getId()).isEqualTo(entry.id());
    }
  }
}
