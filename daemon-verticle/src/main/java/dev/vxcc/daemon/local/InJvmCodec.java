package dev.vxcc.daemon.local;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Front and delegates share a JVM: their messages pass by reference (a compile's preprocessed
 * text is megabytes) and never leave the node.
 */
final class InJvmCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;

  InJvmCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T t) {
    throw new UnsupportedOperationException(type.getSimpleName() + " never leaves this node");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(type.getSimpleName() + " never leaves this node");
  }

  @Override
  public T transform(T t) {
    return t;
  }

  @Override
  public String name() {
    return "vxcc-in-jvm-" + type.getSimpleName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
