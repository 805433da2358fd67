/**
 * The mutating admission webhook: AdmissionReview JSON in, a JSON Patch out, with the decision
 * taken by {@link dev.spotpack.policy.spot.SpreadHints}.
 *
 * <p>Import rule: no Vert.x and no fabric8; the HTTP layer routes to it.
 */
@NullMarked
package dev.spotpack.admission;

import org.jspecify.annotations.NullMarked;
