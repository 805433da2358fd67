package dev.spotpack.protocol;

import java.util.function.Predicate;
import tools.jackson.core.filter.TokenFilter;

/**
 * Drops, while a pod is parsed, the labels and annotations spotpack never reads, so that no tree
 * node or map entry is made for them: what a pod author puts there (up to the API server's 3 MiB,
 * keys chosen to collide in one hash bucket) costs a scan, not a map.
 *
 * <p>Immutable.
 */
public final class PodMetadataFilter extends TokenFilter {
  private final TokenFilter metadata;

  /** For a pod at the root of what is filtered. */
  public PodMetadataFilter(Predicate<String> keptLabel, Predicate<String> keptAnnotation) {
    TokenFilter labels = new Keys(keptLabel);
    TokenFilter annotations = new Keys(keptAnnotation);
    this.metadata =
        new TokenFilter() {
          @Override
          public TokenFilter includeProperty(String name) {
            return switch (name) {
              case "labels" -> labels;
              case "annotations" -> annotations;
              default -> TokenFilter.INCLUDE_ALL;
            };
          }
        };
  }

  @Override
  public TokenFilter includeProperty(String name) {
    return "metadata".equals(name) ? metadata : TokenFilter.INCLUDE_ALL;
  }

  /**
   * This filter for a pod found under {@code path} (an AdmissionReview's is under "request",
   * "object"); everything else is kept.
   */
  public TokenFilter under(String... path) {
    TokenFilter filter = this;
    for (int i = path.length - 1; i >= 0; i--) {
      filter = new Under(path[i], filter);
    }
    return filter;
  }

  /** Everything, except that one property is filtered by another filter. */
  private static final class Under extends TokenFilter {
    private final String name;
    private final TokenFilter inner;

    Under(String name, TokenFilter inner) {
      this.name = name;
      this.inner = inner;
    }

    @Override
    public TokenFilter includeProperty(String property) {
      return name.equals(property) ? inner : TokenFilter.INCLUDE_ALL;
    }
  }

  /** A map of which only some keys are kept. */
  private static final class Keys extends TokenFilter {
    private final Predicate<String> kept;

    Keys(Predicate<String> kept) {
      this.kept = kept;
    }

    @Override
    public TokenFilter includeProperty(String name) {
      return kept.test(name) ? TokenFilter.INCLUDE_ALL : null;
    }

    @Override
    public boolean includeEmptyObject(boolean contentsFiltered) {
      return true; // an empty map stays a map: its kind is checked downstream
    }
  }
}
