package dev.spotpack.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Upstream {@code HostPriority}; a prioritize answer is a JSON array of these. */
@JsonPropertyOrder({"Host", "Score"})
public record HostPriority(@JsonProperty("Host") String host, @JsonProperty("Score") long score) {}
