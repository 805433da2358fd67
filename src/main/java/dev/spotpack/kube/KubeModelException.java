package dev.spotpack.kube;

/** A Kubernetes object that cannot be converted; the message names the object and the field. */
public final class KubeModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KubeModelException(String message) {
    super(message);
  }
}
