package org.ppdb.peer.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a membership as a plain-text table, for {@code ppdb members}:
 *
 * <pre>
 *   ID                                        STATE    INCARNATION  METADATA  ADDRESSES
 * * 0123456789abcdef0123456789abcdef01234567  alive              3         1  10.0.0.1:7946
 *   89abcdef0123456789abcdef0123456789abcdef  suspect            7         2  10.0.0.2:7946
 * 2 members: 1 alive, 1 suspect, 0 dead, 0 left
 * </pre>
 *
 * <p>The answering peer is marked with {@code *}. Rows are sorted by id so that two runs compare
 * line by line; columns are as wide as their widest cell; numbers are right-aligned. Output is
 * ASCII only, and {@link MemberSnapshot} admits no control characters, so a hostile peer cannot
 * write escape sequences to the operator's terminal. Stateless and thread-safe; cost O(n log n).
 */
public final class MembersTable {

  private static final String[] HEADERS = {"ID", "STATE", "INCARNATION", "METADATA", "ADDRESSES"};
  private static final boolean[] RIGHT_ALIGNED = {false, false, true, true, false};
  private static final String GAP = "  ";

  private MembersTable() {}

  /** The table, one line per member plus a header and a summary, each ending in a newline. */
  public static String format(List<MemberSnapshot> members) {
    List<MemberSnapshot> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparing(MemberSnapshot::id));
    List<String[]> rows = new ArrayList<>(sorted.size() + 1);
    rows.add(HEADERS);
    for (MemberSnapshot m : sorted) {
      rows.add(
          new String[] {
            m.id(),
            m.state().label(),
            Long.toString(m.incarnation()),
            Long.toString(m.metadataVersion()),
            m.addresses().isEmpty() ? "-" : String.join(",", m.addresses())
          });
    }
    int[] widths = new int[HEADERS.length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      boolean self = r > 0 && sorted.get(r - 1).self();
      StringBuilder line = new StringBuilder(self ? "* " : "  ");
      String[] row = rows.get(r);
      for (int c = 0; c < row.length; c++) {
        boolean last = c == row.length - 1;
        // Numbers align right, also in the header, so that a header sits over its digits.
        if (RIGHT_ALIGNED[c]) {
          line.append(" ".repeat(widths[c] - row[c].length())).append(row[c]);
        } else {
          line.append(row[c]);
          if (!last) {
            line.append(" ".repeat(widths[c] - row[c].length()));
          }
        }
        if (!last) {
          line.append(GAP);
        }
      }
      out.append(line).append('\n');
    }
    Map<MemberState, Integer> counts = new EnumMap<>(MemberState.class);
    for (MemberState state : MemberState.values()) {
      counts.put(state, 0);
    }
    for (MemberSnapshot m : members) {
      counts.merge(m.state(), 1, Integer::sum);
    }
    out.append(members.size()).append(members.size() == 1 ? " member: " : " members: ");
    List<String> parts = new ArrayList<>();
    for (MemberState state : MemberState.values()) {
      parts.add(counts.get(state) + " " + state.label());
    }
    return out.append(String.join(", ", parts)).append('\n').toString();
  }
}
