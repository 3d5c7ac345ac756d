package dev.vxcc.daemon.local;

/** A local API request refused on purpose: answered with this HTTP status and the message as the reason. */
final class Refusal extends RuntimeException {
  final int status;

  Refusal(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }
}
