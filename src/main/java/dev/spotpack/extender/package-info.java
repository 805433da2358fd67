/**
 * The extender verbs (filter, prioritize, bind): protocol object in, protocol object out. Plain
 * Java with no HTTP; the {@code http} package is a thin adapter around them.
 *
 * <p>Import rule: {@code policy}, {@code cluster}, {@code protocol}, {@code bind}, {@code kube}
 * (the conversion of the request's objects) and Micrometer. No Vert.x and no Jackson: the request
 * arrives read, and its JSON is converted by {@code kube} and written by {@code protocol}.
 */
@NullMarked
package dev.spotpack.extender;

import org.jspecify.annotations.NullMarked;
