package dev.vxcc.common.util;

import java.net.BindException;

/**
 * A server that could not listen, said so the user knows which role, which address and which
 * setting: a bare "Address already in use" from a node running three servers names none of them.
 */
public final class ListenFailure extends Exception {
  private ListenFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * @param what the server, e.g. "servant gRPC endpoint"
   * @param address host:port or socket path it tried
   * @param setting the configuration key that chooses the address
   */
  public static ListenFailure of(String what, String address, String setting, Throwable cause) {
    if (inUse(cause)) {
      return new ListenFailure(what + " cannot listen on " + address + ": address already in use (another vxcc-node running?"
          + " stop it, or set " + setting + " to another value)", cause);
    }
    return new ListenFailure(what + " cannot listen on " + address + " (" + setting + "): " + cause.getMessage(), cause);
  }

  /** Whether a failure, or one of its causes, is a bind on an address something else holds. */
  public static boolean inUse(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BindException || String.valueOf(c.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }
}
