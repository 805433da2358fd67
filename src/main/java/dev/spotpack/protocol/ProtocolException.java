package dev.spotpack.protocol;

/** A request body that is not what kube-scheduler sends; the message names the problem. */
public final class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
