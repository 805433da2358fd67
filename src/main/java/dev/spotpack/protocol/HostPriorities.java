package dev.spotpack.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * A prioritize answer: each candidate with its score, in the candidates' order, written as
 * upstream's {@code []HostPriority} ({@code [{"Host":"a","Score":3},...]}).
 *
 * <p>At 5,000 candidates, writing the answer as 5,000 {@link HostPriority} records through
 * Jackson's bean writer was a third of a prioritize call through HTTP (docs/benchmarks-log.md, stop
 * 44). Here the answer is the candidates' names and an array of scores; hosts still tied to the
 * request they were read from ({@link RequestNames} as read) are copied from its bytes, the JSON
 * around them written as bytes too, in chunks to the generator's stream. Any other list of hosts,
 * or a generator of characters, gets Jackson's own calls. Either way the text is the records'.
 *
 * <p>Immutable once made (the scores array is taken over, not copied). Hosts read from a request
 * are valid only within the call that read it, as {@link RequestNames} says.
 */
@JsonSerialize(using = HostPriorities.Writer.class)
public final class HostPriorities extends AbstractList<HostPriority> implements RandomAccess {
  private final List<String> hosts;
  private final long[] scores;

  private HostPriorities(List<String> hosts, long[] scores) {
    this.hosts = hosts;
    this.scores = scores;
  }

  /**
   * {@code hosts[i]} scored {@code scores[i]}; {@code scores} is taken over (the caller no longer
   * writes it).
   */
  public static HostPriorities of(List<String> hosts, long[] scores) {
    if (hosts.size() != scores.length) {
      throw new IllegalArgumentException(hosts.size() + " hosts but " + scores.length + " scores");
    }
    return new HostPriorities(hosts instanceof RequestNames ? hosts : List.copyOf(hosts), scores);
  }

  @Override
  public HostPriority get(int index) {
    return new HostPriority(hosts.get(index), scores[Objects.checkIndex(index, scores.length)]);
  }

  @Override
  public int size() {
    return scores.length;
  }

  /** Writes the answer; registered on the class, so any Jackson writer of spotpack's uses it. */
  static final class Writer extends ValueSerializer<HostPriorities> {
    private static final SerializedString HOST = new SerializedString("Host");
    private static final SerializedString SCORE = new SerializedString("Score");

    @Override
    public void serialize(HostPriorities value, JsonGenerator gen, SerializationContext ctxt) {
      int size = value.size();
      gen.writeStartArray(value, size);
      if (size > 0
          && value.hosts instanceof RequestNames read
          && read.asRead()
          && gen.streamWriteOutputTarget() instanceof OutputStream out) {
        gen.flush(); // the '[' goes first; after the objects the generator writes only the ']'
        try {
          new Chunks(out).write(read, value.scores);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else {
        for (int i = 0; i < size; i++) {
          gen.writeStartObject();
          gen.writeName(HOST);
          gen.writeString(value.hosts.get(i));
          gen.writeName(SCORE);
          gen.writeNumber(value.scores[i]);
          gen.writeEndObject();
        }
      }
      gen.writeEndArray();
    }
  }

  /**
   * The objects as bytes, gathered into a chunk that goes to the stream whenever the next object
   * might not fit: one write per few hundred objects rather than four per object.
   */
  private static final class Chunks {
    private static final byte[] OPEN = ascii("{\"Host\":");
    private static final byte[] BETWEEN = ascii(",\"Score\":");
    private static final int CHUNK = 16 * 1024;
    // an object's bytes besides its host: the two constants, 20 digits and a sign, '}' and ','
    private static final int AROUND = 8 + 9 + 21 + 2;

    private final OutputStream out;
    private final byte[] chunk = new byte[CHUNK];
    private int at;

    Chunks(OutputStream out) {
      this.out = out;
    }

    void write(RequestNames hosts, long[] scores) throws IOException {
      byte[] body = hosts.body();
      for (int i = 0; i < scores.length; i++) {
        int from = hosts.quotedFrom(i);
        int length = hosts.quotedTo(i) - from;
        if (at + length + AROUND > CHUNK) {
          drain();
        }
        if (i > 0) {
          chunk[at++] = ',';
        }
        put(OPEN);
        if (length + AROUND > CHUNK) { // a host longer than a chunk goes on its own
          drain();
          out.write(body, from, length);
        } else {
          System.arraycopy(body, from, chunk, at, length);
          at += length;
        }
        put(BETWEEN);
        putNumber(scores[i]);
        chunk[at++] = '}';
      }
      drain();
    }

    private void put(byte[] bytes) {
      System.arraycopy(bytes, 0, chunk, at, bytes.length);
      at += bytes.length;
    }

    private void putNumber(long n) {
      if (n < 0) {
        put(ascii(Long.toString(n))); // never a score the policy gives (0..10)
        return;
      }
      int digits = 1;
      for (long rest = n / 10; rest > 0; rest /= 10) {
        digits++;
      }
      long rest = n;
      for (int k = at + digits - 1; k >= at; k--) {
        chunk[k] = (byte) ('0' + rest % 10);
        rest /= 10;
      }
      at += digits;
    }

    private void drain() throws IOException {
      out.write(chunk, 0, at);
      at = 0;
    }

    private static byte[] ascii(String s) {
      return s.getBytes(StandardCharsets.US_ASCII);
    }
  }
}
