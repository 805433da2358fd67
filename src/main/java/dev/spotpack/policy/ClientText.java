package dev.spotpack.policy;

/**
 * Text a client or pod author wrote, made fit to quote in a message or a log line: control
 * characters (and the Unicode line and paragraph separators) escaped as a backslash, u and four hex
 * digits, so that no value can start a line of its own; and at most {@code max} characters of it,
 * so that a megabyte of input makes a short line.
 */
public final class ClientText {
  private ClientText() {}

  /** The first {@code max} characters, escaped, and "…(N characters)" when the text was longer. */
  public static String quote(String text, int max) {
    String cut = text.length() <= max ? text : text.substring(0, max);
    StringBuilder out = new StringBuilder(cut.length() + 24);
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return text.length() <= max ? out.toString() : out + "…(" + text.length() + " characters)";
  }
}
