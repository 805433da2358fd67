package dev.spotpack.protocol;

import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;

/**
 * Writes a list of node names: names still tied to the request they were read from ({@link
 * RequestNames}) copied from its bytes; otherwise each name the {@link NameTable} of the call holds
 * (a writer attribute keyed by {@code NameTable.class}) copied from its encoded JSON, the others
 * written as any string.
 */
final class NodeNamesSerializer extends ValueSerializer<List<String>> {
  @Override
  public void serialize(List<String> names, JsonGenerator gen, SerializationContext ctxt) {
    if (names instanceof RequestNames read) {
      read.write(gen);
      return;
    }
    NameTable known =
        ctxt.getAttribute(NameTable.class) instanceof NameTable t ? t : NameTable.EMPTY;
    gen.writeStartArray(names, names.size());
    for (String name : names) {
      SerializedString json = known.json(name);
      if (json != null) {
        gen.writeString(json);
      } else {
        gen.writeString(name);
      }
    }
    gen.writeEndArray();
  }
}
