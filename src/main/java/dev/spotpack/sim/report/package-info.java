/**
 * How a simulation is shown: a terminal table, one JSON object, and a self-contained HTML page with
 * SVG charts (no scripts, no fonts, no network).
 *
 * <p>Import rule: JDK, Jackson and {@code dev.spotpack.sim}.
 */
@NullMarked
package dev.spotpack.sim.report;

import org.jspecify.annotations.NullMarked;
