package dev.spotpack.protocol;

import java.util.regex.Pattern;

/**
 * Kubernetes object names as the API server accepts them in a URL's path: DNS-1123 subdomains (a
 * pod's name, at most {@link #NAME_MAX}) and labels (a namespace, at most {@link #NAMESPACE_MAX}),
 * checked here as lower-case letters, digits, '-' and '.', starting and ending with a letter or
 * digit. Whatever passes names one resource: no slash, no dot-dot, no query.
 */
public final class ObjectNames {
  public static final int NAME_MAX = 253;
  public static final int NAMESPACE_MAX = 63;

  private static final Pattern OBJECT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  private ObjectNames() {}

  public static boolean isObjectName(String value, int maxLength) {
    return value.length() <= maxLength && OBJECT_NAME.matcher(value).matches();
  }
}
