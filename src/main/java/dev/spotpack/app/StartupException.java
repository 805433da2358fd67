package dev.spotpack.app;

/** Start-up cannot go on (a file is missing, a port is taken); the message says which. */
final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StartupException(String message, Throwable cause) {
    super(message, cause);
  }

  StartupException(String message) {
    super(message);
  }
}
