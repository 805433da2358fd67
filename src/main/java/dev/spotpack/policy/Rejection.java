package dev.spotpack.policy;

/**
 * One node rejected for one pod. Every rejection spotpack makes is unresolvable: evicting other
 * pods from the node (preemption) would not change the spot rules.
 *
 * @param message what {@code kubectl describe pod} shows
 */
public record Rejection(Rule rule, String message) {}
