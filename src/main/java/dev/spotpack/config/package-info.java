/**
 * spotpack's own configuration file: YAML into an immutable record tree, validated as a whole so
 * that a bad file stops start-up with one message naming every bad key and why.
 *
 * <p>Import rule: JDK, Jackson (YAML), {@code policy}, and {@code sim} (a workload file is read
 * into the simulator's types); used only by {@code app}.
 */
@NullMarked
package dev.spotpack.config;

import org.jspecify.annotations.NullMarked;
