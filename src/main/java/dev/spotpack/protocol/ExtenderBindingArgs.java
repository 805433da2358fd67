package dev.spotpack.protocol;

/**
 * Upstream {@code ExtenderBindingArgs}: bind pod {@code podNamespace/podName} with UID {@code
 * podUid} to {@code node}.
 */
public record ExtenderBindingArgs(
    String podName, String podNamespace, String podUid, String node) {}
