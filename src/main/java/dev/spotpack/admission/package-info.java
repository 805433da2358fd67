/**
 * The mutating admission webhook: AdmissionReview JSON in, a JSON Patch out, with the decision
 * taken by {@link dev.spotpack.policy.spot.SpreadHints}.
 *
 * <p>Import rule: {@code policy}, {@code protocol} (the JSON reading shared with the extender),
 * Jackson and Micrometer; used only by {@code http} and {@code app}. Enforced by ArchitectureTest
 * (docs/architecture.md).
 */
@NullMarked
package dev.spotpack.admission;

import org.jspecify.annotations.NullMarked;
