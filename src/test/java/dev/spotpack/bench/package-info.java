/**
 * Measurement tools run by hand (never by the test suite): heap footprint of the cluster state at
 * large scale. Speed benchmarks (JMH, load generator) belong here too.
 */
@NullMarked
package dev.spotpack.bench;

import org.jspecify.annotations.NullMarked;
