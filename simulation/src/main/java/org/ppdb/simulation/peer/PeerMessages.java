package org.ppdb.simulation.peer;

import org.ppdb.dht.DhtMessage;
import org.ppdb.gossip.SwimMessage;
import org.ppdb.simulation.SimNode;
import org.ppdb.simulation.dht.DhtMessages;
import org.ppdb.simulation.gossip.GossipMessages;

/**
 * Sizes and digests of the messages a full peer sends: gossip and DHT messages, delegated to their
 * own traits, so a peer run is accounted and hashed exactly like the single-protocol runs.
 */
final class PeerMessages implements SimNode.MessageTraits<Object> {

  static final PeerMessages INSTANCE = new PeerMessages();

  private PeerMessages() {}

  @Override
  public int sizeBytes(Object message) {
    if (message instanceof SwimMessage swim) {
      return GossipMessages.INSTANCE.sizeBytes(swim);
    }
    if (message instanceof DhtMessage dht) {
      return DhtMessages.INSTANCE.sizeBytes(dht);
    }
    throw new IllegalStateException("a peer sent a message of unknown type " + message.getClass());
  }

  @Override
  public long digest(Object message) {
    if (message instanceof SwimMessage swim) {
      return GossipMessages.INSTANCE.digest(swim);
    }
    if (message instanceof DhtMessage dht) {
      return ~DhtMessages.INSTANCE.digest(dht);
    }
    throw new IllegalStateException("a peer sent a message of unknown type " + message.getClass());
  }
}
