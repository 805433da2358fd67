package dev.spotpack.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code serve --example --self-test}, a smoke check needing no cluster: the server starts, answers
 * the bundled example's filter call over HTTP (spot-a refused at its cap, the other four nodes
 * pass) and the command exits 0.
 */
class ServeSelfTestTest {
  @Test
  void answersOneFilterCallAndExits() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit =
        cli.execute(
            "serve",
            "--example",
            "--self-test",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--management-port",
            "0");
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .startsWith("{\"Nodes\":null,\"NodeNames\":[\"spot-b\",\"spot-c\",\"od-1\",\"od-2\"]");
  }
}
