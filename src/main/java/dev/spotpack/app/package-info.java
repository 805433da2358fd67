/**
 * The command line and the object graph: builds every component by hand, starts them in order and
 * stops them in reverse.
 *
 * <p>Import rule: may import everything; nothing imports it.
 */
@NullMarked
package dev.spotpack.app;

import org.jspecify.annotations.NullMarked;
