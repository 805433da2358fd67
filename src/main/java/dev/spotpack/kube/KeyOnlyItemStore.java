package dev.spotpack.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An informer store that keeps only each object's key and resourceVersion, not the object.
 *
 * <p>fabric8's default store holds every full object; for 150,000 pods that is most of the heap,
 * and spotpack keeps its own compact state anyway. Because {@link #isFullState()} is false, the
 * informer still hands the handlers the full objects from the watch; only the "old" object of an
 * update and the objects of deletions found by a relist come from here, as stubs with namespace,
 * name and resourceVersion (fabric8's {@code ProcessorStore}). The handlers therefore key deletions
 * by namespace and name when the uid is missing.
 *
 * <p>Thread-safe.
 */
final class KeyOnlyItemStore<T extends HasMetadata> implements ItemStore<T> {
  private final ConcurrentHashMap<String, String> resourceVersions = new ConcurrentHashMap<>();
  private final Supplier<T> empty;

  KeyOnlyItemStore(Supplier<T> empty) {
    this.empty = empty;
  }

  @Override
  public String getKey(T obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  @Override
  public @Nullable T put(String key, T obj) {
    String rv = obj.getMetadata() == null ? null : obj.getMetadata().getResourceVersion();
    return stub(key, resourceVersions.put(key, rv == null ? "" : rv));
  }

  @Override
  public @Nullable T remove(String key) {
    return stub(key, resourceVersions.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return resourceVersions.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return resourceVersions.entrySet().stream().map(e -> stub(e.getKey(), e.getValue()));
  }

  @Override
  public int size() {
    return resourceVersions.size();
  }

  @Override
  public @Nullable T get(String key) {
    return stub(key, resourceVersions.get(key));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  private @Nullable T stub(String key, @Nullable String resourceVersion) {
    if (resourceVersion == null) {
      return null;
    }
    int slash = key.indexOf('/');
    ObjectMeta meta = new ObjectMeta();
    if (slash >= 0) {
      meta.setNamespace(key.substring(0, slash));
      meta.setName(key.substring(slash + 1));
    } else {
      meta.setName(key);
    }
    meta.setResourceVersion(resourceVersion);
    T obj = empty.get();
    obj.setMetadata(meta);
    return obj;
  }
}
