package org.ppdb.peer.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * {@link Hello}: varint protocol version, string cluster name, varint UDP port, varint TCP port.
 */
final class HelloSerializer extends Serializer<Hello> {
  private final BoundedSerializers.StringSerializer strings =
      new BoundedSerializers.StringSerializer();

  HelloSerializer() {
    setImmutable(true);
  }

  @Override
  public void write(Kryo kryo, Output output, Hello hello) {
    output.writeVarInt(hello.protocolVersion(), true);
    strings.write(kryo, output, hello.clusterName());
    output.writeVarInt(hello.udpPort(), true);
    output.writeVarInt(hello.tcpPort(), true);
  }

  @Override
  public Hello read(Kryo kryo, Input input, Class<? extends Hello> type) {
    int version = input.readVarInt(true);
    String cluster = strings.read(kryo, input, String.class);
    int udp = input.readVarInt(true);
    int tcp = input.readVarInt(true);
    return new Hello(version, cluster, udp, tcp);
  }
}
