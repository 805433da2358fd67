package dev.spotpack.bind;

/**
 * Bind pod {@code namespace/name} to {@code node}; {@code uid} (may be empty) guards against
 * binding a newer pod that reused the name.
 */
public record BindRequest(String namespace, String name, String uid, String node) {
  public String podKey() {
    return namespace + "/" + name;
  }
}
