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
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    String reason;
    if (original.startsWith("Unexpected end-of-input")) {
      reason = "it ends before the JSON value is complete";
    } else if (original.startsWith("Invalid UTF-8")) {
      reason = "it is not UTF-8";
    } else if (original.startsWith("Duplicate Object property") || original.startsWith("Duplicate field")) {
      int quote = original.indexOf('"');
      reason = "a field appears twice" + (quote < 0 ? "" : ": " + ClientText.quote(original.substring(quote), 60));
    } else if (original.startsWith("Document nesting depth")) {
      reason = "it nests arrays and objects deeper than 500 levels";
    } else if (original.contains("exceeds the maximum") || original.contains("exceeds the max")) {
      reason = "a number, string or name in it is longer than allowed";
    } else if (original.startsWith("Unexpected character") || original.startsWith("Unrecognized token")
        || original.startsWith("Illegal")) {
      reason = "an unexpected character";
    } else if (original.startsWith("Unexpected close marker")) {
      reason = "a closing bracket without its opening one";
    } else {
      reason = "malformed";
    }
    TokenStreamLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return "request body is not valid JSON: " + reason + where;
  }
}
