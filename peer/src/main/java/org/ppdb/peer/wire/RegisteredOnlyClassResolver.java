package org.ppdb.peer.wire;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo's class resolver without class names. Even with registration required, Kryo's default
 * resolver, on reading class id 1 ("a class name follows"), first reads the name, allocating as
 * many chars as a hostile length prefix asks for (found by {@code WireCodecTest}'s fuzzer: a 9-byte
 * input exhausted a 2 GiB heap), and only then refuses the unregistered class. Here a name is
 * refused before anything is read, and never written.
 */
final class RegisteredOnlyClassResolver extends DefaultClassResolver {
  @Override
  protected Registration readName(Input input) {
    throw new KryoException("class names are not accepted (expected: a registration id)");
  }

  @Override
  @SuppressWarnings("rawtypes") // the overridden signature is raw
  protected void writeName(Output output, Class type, Registration registration) {
    throw new KryoException("class " + type.getName() + " is not registered");
  }
}
