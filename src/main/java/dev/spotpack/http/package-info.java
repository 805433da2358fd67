/**
 * The Vert.x edge: routes kube-scheduler's POSTs to the verbs, and serves health, readiness and
 * metrics on a separate management port.
 *
 * <p>Import rule: the only package besides {@code app} that imports Vert.x. It may use {@code
 * extender}, {@code admission}, {@code protocol} and {@code config}; no Jackson (bodies are bytes
 * here).
 */
@NullMarked
package dev.spotpack.http;

import org.jspecify.annotations.NullMarked;
