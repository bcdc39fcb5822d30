package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GlobPatternTest {
  private static boolean m(String pattern, String subject) {
    return GlobPattern.matches(
        pattern.getBytes(StandardCharsets.ISO_8859_1),
        subject.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void redisGlobSyntax() {
    assertThat(m("*", "")).isTrue();
    assertThat(m("*", "anything")).isTrue();
    assertThat(m("h?llo", "hello")).isTrue();
    assertThat(m("h?llo", "hllo")).isFalse();
    assertThat(m("h*llo", "hllo")).isTrue();
    assertThat(m("h*llo", "heeeello")).isTrue();
    assertThat(m("h[ae]llo", "hallo")).isTrue();
    assertThat(m("h[ae]llo", "hillo")).isFalse();
    assertThat(m("h[^e]llo", "hallo")).isTrue();
    assertThat(m("h[^e]llo", "hello")).isFalse();
    assertThat(m("h[a-b]llo", "hbllo")).isTrue();
    assertThat(m("h[b-a]llo", "hallo")).isTrue();
    assertThat(m("h[a-b]llo", "hcllo")).isFalse();
    assertThat(m("h\\*llo", "h*llo")).isTrue();
    assertThat(m("h\\*llo", "hello")).isFalse();
    assertThat(m("key:*:end", "key:1:2:end")).isTrue();
    assertThat(m("key:*:end", "key:1:2:en")).isFalse();
    assertThat(m("a*b*c", "aXXbYYc")).isTrue();
    assertThat(m("a*b*c", "aXXcYYb")).isFalse();
    assertThat(m("abc", "abcd")).isFalse();
  }

  @Test
  void manyStarsStayLinearish() {
    String pattern = "a*".repeat(30) + "b";
    String subject = "a".repeat(5000);
    long start = System.nanoTime();
    assertThat(m(pattern, subject)).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }
}
