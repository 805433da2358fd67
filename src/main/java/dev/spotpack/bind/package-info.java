/**
 * The bind port: what binding a pod to a node means to the verbs, independent of whether the
 * placement goes to an API server or to the in-memory snapshot.
 *
 * <p>Import rule: JDK and {@code org.jspecify} only.
 */
@NullMarked
package dev.spotpack.bind;

import org.jspecify.annotations.NullMarked;
