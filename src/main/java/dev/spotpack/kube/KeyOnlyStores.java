package dev.spotpack.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

/** The informers' stores, exposed so that the footprint tool measures exactly what runs. */
public final class KeyOnlyStores {
  private KeyOnlyStores() {}

  public static ItemStore<Node> nodes() {
    return new KeyOnlyItemStore<>(Node::new);
  }

  public static ItemStore<Pod> pods() {
    return new KeyOnlyItemStore<>(Pod::new);
  }
}
