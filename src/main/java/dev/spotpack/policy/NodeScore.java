package dev.spotpack.policy;

/** A node's score for one pod, on the extender scale 0..10. */
public record NodeScore(String node, long score) {}
