package dev.spotpack.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Upstream {@code ExtenderBindingResult}: an empty {@code Error} means bound. */
public record ExtenderBindingResult(@JsonProperty("Error") String error) {
  public static final ExtenderBindingResult BOUND = new ExtenderBindingResult("");
}
