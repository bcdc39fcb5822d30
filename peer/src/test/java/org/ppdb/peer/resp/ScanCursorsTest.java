package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScanCursorsTest {
  @Test
  void oldestCursorIsForgottenFirstByCount() {
    ScanCursors cursors = new ScanCursors(2, 1 << 20);
    long a = cursors.register(new byte[] {1});
    long b = cursors.register(new byte[] {2});
    long c = cursors.register(new byte[] {3});
    assertThat(cursors.resolve(a)).isNull();
    assertThat(cursors.resolve(b)).containsExactly(2);
    assertThat(cursors.resolve(c)).containsExactly(3);
    assertThat(a).isNotZero();
    assertThat(cursors.size()).isEqualTo(2);
  }

  @Test
  void oldestCursorIsForgottenFirstByBytes() {
    ScanCursors cursors = new ScanCursors(100, 10);
    long a = cursors.register(new byte[6]);
    long b = cursors.register(new byte[6]);
    assertThat(cursors.resolve(a)).isNull();
    assertThat(cursors.resolve(b)).hasSize(6);
  }
}
