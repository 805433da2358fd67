/**
 * The extender verbs (filter, prioritize, bind): protocol object in, protocol object out. Plain
 * Java with no HTTP; the {@code http} package is a thin adapter around them.
 *
 * <p>Import rule: {@code policy}, {@code cluster}, {@code protocol}, {@code bind}, {@code
 * kube.KubeModel} and Micrometer. No Vert.x.
 */
@NullMarked
package dev.spotpack.extender;

import org.jspecify.annotations.NullMarked;
