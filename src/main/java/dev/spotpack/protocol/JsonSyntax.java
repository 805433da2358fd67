package dev.spotpack.protocol;

import dev.spotpack.policy.ClientText;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * Says what is wrong with a body that is not JSON in words about the body (where, and what was
 * found), never in the parser's own vocabulary: no Java types, token names or feature flags.
 */
public final class JsonSyntax {
  private JsonSyntax() {}

  /** "request body is not valid JSON: REASON at line L, column C". */
  public static String describe(JacksonException e) {
    return describe(e, new byte[0], 0);
  }

  /**
   * As {@link #describe(JacksonException)}, for an error found while parsing the part of {@code
   * body} that starts at byte {@code from}: the line and column are the body's.
   */
  public static String describe(JacksonException e, byte[] body, int from) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    String reason;
    if (original.startsWith("Unexpected end-of-input")) {
      reason = "it ends before the JSON value is complete";
    } else if (original.startsWith("Invalid UTF-8")) {
      reason = "it is not UTF-8";
    } else if (original.startsWith("Duplicate ")) {
      reason = "a field appears twice" + duplicateName(original);
    } else if (original.startsWith("Document nesting depth")) {
      reason = "it nests arrays and objects deeper than 500 levels";
    } else if (original.contains("exceeds the maximum") || original.contains("exceeds the max")) {
      reason = "a number, string or name in it is longer than allowed";
    } else if (original.startsWith("Unexpected character")
        || original.startsWith("Unrecognized token")
        || original.startsWith("Illegal")) {
      reason = "an unexpected character";
    } else if (original.startsWith("Unexpected close marker")) {
      reason = "a closing bracket without its opening one";
    } else {
      reason = "malformed";
    }
    TokenStreamLocation at = e.getLocation();
    String where = "";
    if (at != null && at.getLineNr() >= 1) {
      int line = at.getLineNr();
      int column = at.getColumnNr();
      int lineStart = 0;
      for (int i = 0; i < from; i++) {
        if (body[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      if (at.getLineNr() == 1) {
        column += from - lineStart;
      }
      where = " at line " + line + ", column " + column;
    }
    return "request body is not valid JSON: " + reason + where;
  }

  /** What is said of a property that appears twice where spotpack reads it. */
  public static String duplicate(String name) {
    return "request body is not valid JSON: a field appears twice: \""
        + ClientText.quote(name, 60)
        + "\"";
  }

  /**
   * ': "NAME"' from the parser's {@code Duplicate Object property "NAME"} or the tree reader's
   * {@code Duplicate property "NAME" for `ObjectNode`: ...}; empty if neither.
   */
  private static String duplicateName(String original) {
    int open = original.indexOf('"');
    int close = original.indexOf("\" for ");
    if (close < 0) {
      close = original.lastIndexOf('"');
    }
    if (open < 0 || close <= open) {
      return "";
    }
    return ": \"" + ClientText.quote(original.substring(open + 1, close), 60) + "\"";
  }
}
