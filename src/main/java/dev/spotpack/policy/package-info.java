/**
 * The policy core: every scheduling decision spotpack makes (spot rules, caps, MostAllocated
 * score), as pure functions over immutable values.
 *
 * <p>Import rule: JDK and {@code org.jspecify} only. No Vert.x, fabric8, Jackson or Caffeine; the
 * architecture test enforces it. Everything here is table-tested without a server or a cluster.
 */
@NullMarked
package dev.spotpack.policy;

import org.jspecify.annotations.NullMarked;
