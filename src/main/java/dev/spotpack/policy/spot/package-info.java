/**
 * The spot rules: which nodes are spot, which pods belong to which Spark job in which role, the
 * per-pod limits read from annotations and profiles, and the cap arithmetic.
 *
 * <p>Import rule: JDK, {@code org.jspecify} and {@code dev.spotpack.policy.model} only.
 */
@NullMarked
package dev.spotpack.policy.spot;

import org.jspecify.annotations.NullMarked;
