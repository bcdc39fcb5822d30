package org.ppdb.peer.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code /members} document, written by the admin server and read back by {@code ppdb members}.
 *
 * <pre>{@code
 * {"count":2,"members":[
 *   {"id":"0123...","addresses":["10.0.0.1:7946"],"state":"alive","incarnation":3,
 *    "metadataVersion":1,"self":true},
 *   ...]}
 * }</pre>
 *
 * <p>Members appear in the order the source gave them. Readers ignore fields they do not know, so
 * fields may be added; existing ones keep their name and meaning. Reading is strict otherwise and
 * bounded ({@link #DOCUMENT_CHARS_MAX}, {@link #MEMBERS_MAX}, nesting depth 8, so that fields added
 * later may hold small objects), because the document comes over the network. Stateless and
 * thread-safe; cost linear in the document.
 */
public final class MembersJson {

  /** Most members in one document. */
  public static final int MEMBERS_MAX = 65_536;

  /** Longest document accepted by {@link #parse}, in characters (about 64 MiB). */
  public static final int DOCUMENT_CHARS_MAX = 1 << 26;

  private static final int DEPTH_MAX = 8;

  private MembersJson() {}

  /** Writes the document for {@code members}. */
  public static String write(List<MemberSnapshot> members) {
    Objects.requireNonNull(members, "members");
    StringBuilder out = new StringBuilder(64 + 160 * members.size());
    out.append("{\"count\":").append(members.size()).append(",\"members\":[");
    for (int i = 0; i < members.size(); i++) {
      MemberSnapshot m = members.get(i);
      out.append(i == 0 ? "" : ",").append("{\"id\":");
      Json.writeString(out, m.id()).append(",\"addresses\":[");
      for (int a = 0; a < m.addresses().size(); a++) {
        Json.writeString(out.append(a == 0 ? "" : ","), m.addresses().get(a));
      }
      out.append("],\"state\":");
      Json.writeString(out, m.state().label());
      out.append(",\"incarnation\":").append(m.incarnation());
      out.append(",\"metadataVersion\":").append(m.metadataVersion());
      out.append(",\"self\":").append(m.self()).append('}');
    }
    return out.append("]}").toString();
  }

  /**
   * Reads a document written by {@link #write}.
   *
   * @throws IllegalArgumentException naming the member and field, if the text is not such a
   *     document or exceeds a limit
   */
  public static List<MemberSnapshot> parse(String json) {
    Objects.requireNonNull(json, "json");
    if (json.length() > DOCUMENT_CHARS_MAX) {
      throw new IllegalArgumentException(
          "members JSON: "
              + json.length()
              + " characters (expected: <= "
              + DOCUMENT_CHARS_MAX
              + ")");
    }
    Object root = Json.parse(json, DEPTH_MAX);
    if (!(root instanceof Map<?, ?> document)) {
      throw new IllegalArgumentException("members JSON: not an object");
    }
    if (!(document.get("members") instanceof List<?> list)) {
      throw new IllegalArgumentException("members JSON: no 'members' array");
    }
    if (list.size() > MEMBERS_MAX) {
      throw new IllegalArgumentException(
          "members JSON: " + list.size() + " members (expected: <= " + MEMBERS_MAX + ")");
    }
    List<MemberSnapshot> members = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      try {
        members.add(member(list.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("members JSON: member " + i + ": " + e.getMessage(), e);
      }
    }
    return members;
  }

  private static MemberSnapshot member(Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("not an object");
    }
    if (!(map.get("addresses") instanceof List<?> rawAddresses)) {
      throw new IllegalArgumentException("'addresses': not an array");
    }
    if (rawAddresses.size() > MemberSnapshot.ADDRESSES_MAX) {
      throw new IllegalArgumentException(
          "addresses: "
              + rawAddresses.size()
              + " (expected: <= "
              + MemberSnapshot.ADDRESSES_MAX
              + ")");
    }
    List<String> addresses = new ArrayList<>(rawAddresses.size());
    for (Object address : rawAddresses) {
      if (!(address instanceof String s)) {
        throw new IllegalArgumentException("'addresses': an element is not a string");
      }
      addresses.add(s);
    }
    Object self = map.get("self");
    return new MemberSnapshot(
        string(map, "id"),
        addresses,
        MemberState.ofLabel(string(map, "state")),
        count(map, "incarnation"),
        count(map, "metadataVersion"),
        Boolean.TRUE.equals(self));
  }

  private static String string(Map<?, ?> map, String key) {
    if (!(map.get(key) instanceof String s)) {
      throw new IllegalArgumentException("'" + key + "': not a string");
    }
    return s;
  }

  private static long count(Map<?, ?> map, String key) {
    if (!(map.get(key) instanceof Long n)) {
      throw new IllegalArgumentException("'" + key + "': not an integer");
    }
    return n;
  }
}
