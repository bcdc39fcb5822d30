package org.ppdb.simulation.gossip;

import java.util.List;
import org.ppdb.gossip.Member;
import org.ppdb.gossip.MemberId;
import org.ppdb.gossip.SwimMessage;
import org.ppdb.simulation.SimNode;
import org.ppdb.simulation.TraceHash;

/**
 * Sizes and digests of {@link SwimMessage}s for the simulator. The size is the gossip module's own
 * {@link SwimMessage#encodedSizeBytes()} (its compact reference encoding), so byte figures are the
 * ones a datagram transport would carry. The digest is built from the fields: member ids hash by
 * content, statuses by their frozen wire codes, never by identity.
 */
public final class GossipMessages implements SimNode.MessageTraits<SwimMessage> {

  public static final GossipMessages INSTANCE = new GossipMessages();

  private GossipMessages() {}

  @Override
  public int sizeBytes(SwimMessage message) {
    return message.encodedSizeBytes();
  }

  @Override
  public long digest(SwimMessage message) {
    if (message instanceof SwimMessage.Ping m) {
      return TraceHash.mix(1 ^ TraceHash.mix(m.seq()) ^ id(m.target())) ^ updates(m.updates());
    }
    if (message instanceof SwimMessage.PingReq m) {
      return TraceHash.mix(2 ^ TraceHash.mix(m.seq()) ^ id(m.target()))
          ^ m.targetAddress().port()
          ^ updates(m.updates());
    }
    if (message instanceof SwimMessage.Ack m) {
      return TraceHash.mix(3 ^ TraceHash.mix(m.seq())) ^ updates(m.updates());
    }
    if (message instanceof SwimMessage.Nack m) {
      return TraceHash.mix(4 ^ TraceHash.mix(m.seq()));
    }
    if (message instanceof SwimMessage.Gossip m) {
      return TraceHash.mix(5) ^ updates(m.updates());
    }
    if (message instanceof SwimMessage.PushPull m) {
      return TraceHash.mix(6 ^ (m.reply() ? 16 : 0) ^ (m.join() ? 32 : 0)) ^ updates(m.members());
    }
    throw new IllegalArgumentException("unknown message: " + message.getClass().getName());
  }

  private static long id(MemberId id) {
    return id == null ? 0 : TraceHash.mix(id.hashCode()); // MemberId hashes its bytes' contents
  }

  private static long updates(List<Member> updates) {
    long h = updates.size();
    for (int i = 0; i < updates.size(); i++) {
      Member m = updates.get(i);
      h =
          TraceHash.mix(
              h
                  ^ id(m.id())
                  ^ m.incarnation() * 31
                  ^ (long) m.status().code() << 56
                  ^ m.metadataVersion() << 40
                  ^ id(m.reporter()));
    }
    return h;
  }
}
