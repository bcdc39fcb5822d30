package org.ppdb.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesEveryKindOfValue() {
    Object value =
        Json.parse(
            "{\"s\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\",\"i\":-12,\"d\":1.5e2,\"t\":true,"
                + "\"f\":false,\"n\":null,\"a\":[],\"o\":{},\"big\":123456789012345678901234}",
            8);
    Map<?, ?> map = (Map<?, ?>) value;
    assertThat(map.get("s")).isEqualTo("a\"\\/\b\f\n\r\t\u00e9");
    assertThat(map.get("i")).isEqualTo(-12L);
    assertThat(map.get("d")).isEqualTo(150.0);
    assertThat(map.get("t")).isEqualTo(true);
    assertThat(map.get("f")).isEqualTo(false);
    assertThat(map.containsKey("n")).isTrue();
    assertThat(map.get("n")).isNull();
    assertThat(map.get("a")).isEqualTo(List.of());
    assertThat(map.get("o")).isEqualTo(Map.of());
    assertThat(map.get("big")).isInstanceOf(Double.class);
  }

  @Test
  void refusesWhatRfc8259Refuses() {
    for (String bad :
        new String[] {
          "",
          "{",
          "[1,]",
          "{\"a\":1,}",
          "01",
          "1.",
          "-",
          "+1",
          ".5",
          "1e",
          "'a'",
          "\"a",
          "\"\\x\"",
          "\"\\u12g4\"",
          "\"\t\"",
          "tru",
          "nul",
          "{\"a\" 1}",
          "{1:2}",
          "[1 2]",
          "1 2",
          "{\"a\":1,\"a\":2}"
        }) {
      assertThatThrownBy(() -> Json.parse(bad, 8))
          .as("input <%s>", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("JSON at offset ");
    }
  }

  @Test
  void boundsNesting() {
    assertThat(Json.parse("[[[]]]", 3)).isEqualTo(List.of(List.of(List.of())));
    assertThatThrownBy(() -> Json.parse("[[[[]]]]", 3))
        .hasMessage("JSON at offset 3: nesting depth 4 (expected: <= 3)");
    String deep = "[".repeat(100_000);
    assertThatThrownBy(() -> Json.parse(deep, 16)).hasMessageContaining("nesting depth 17");
  }

  @Test
  void writtenStringsReadBackForRandomText() {
    long seed = 0x4a534f4eL;
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(40); n > 0; n--) {
        text.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xd800)));
      }
      String json = Json.writeString(new StringBuilder(), text.toString()).toString();
      assertThat(json).as("seed %d, iteration %d", seed, i).doesNotContainPattern("[\\x00-\\x1f]");
      assertThat(Json.parse(json, 1))
          .as("seed %d, iteration %d", seed, i)
          .isEqualTo(text.toString());
    }
  }

  @Test
  void randomBytesAreRefusedOrParsedNeverCrash() {
    long seed = 0x72616e64L;
    SplittableRandom random = new SplittableRandom(seed);
    String alphabet = "{}[],:\"\\0123456789-+.eEtruefalsn \n";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(30); n > 0; n--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      try {
        Json.parse(text.toString(), 4);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage())
            .as("seed %d, input <%s>", seed, text)
            .startsWith("JSON at offset ");
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError("seed " + seed + ", input <" + text + ">: " + e, e);
      }
    }
  }
}
