package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InlineCommandTest {
  private static List<String> split(String line) {
    return InlineCommand.split(line).stream()
        .map(b -> new String(b, StandardCharsets.ISO_8859_1))
        .toList();
  }

  @Test
  void splitsLikeSdssplitargs() {
    assertThat(split("SET a b")).containsExactly("SET", "a", "b");
    assertThat(split("  GET   key  ")).containsExactly("GET", "key");
    assertThat(split("SET \"a b\" 'c d'")).containsExactly("SET", "a b", "c d");
    assertThat(split("SET k \"line\\nnext\\x41\"")).containsExactly("SET", "k", "line\nnextA");
    assertThat(split("SET k 'it\\'s'")).containsExactly("SET", "k", "it's");
    assertThat(split("SET k \"\"")).containsExactly("SET", "k", "");
    assertThat(split("")).isEmpty();
  }

  @Test
  void unbalancedQuotesAreRejected() {
    assertThatThrownBy(() -> split("SET \"a"))
        .isInstanceOf(RespProtocolException.class)
        .hasMessage("unbalanced quotes in request");
    assertThatThrownBy(() -> split("SET \"a\"b")).isInstanceOf(RespProtocolException.class);
    assertThatThrownBy(() -> split("SET 'a")).isInstanceOf(RespProtocolException.class);
  }
}
