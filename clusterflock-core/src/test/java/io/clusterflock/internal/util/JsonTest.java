package io.clusterflock.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void valuesObjectsAndArraysInOrder() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("b", 1);
        object.put("a", List.of(2L, true, "x"));
        object.put("n", null);
        object.put("o", Map.of());
        object.put("e", List.of());
        assertEquals("{\"b\":1,\"a\":[2,true,\"x\"],\"n\":null,\"o\":{},\"e\":[]}", Json.write(object));
        assertEquals("[null,-5]", Json.write(Arrays.asList(null, -5)));
    }

    @Test
    void stringsAreEscapedAsJsonRequires() {
        assertEquals("\"q\\\" b\\\\ n\\n r\\r t\\t\"", Json.write("q\" b\\ n\n r\r t\t"));
        assertEquals("\"\\u0000\\u001f\\u007f\\b\\f\"", Json.write("\u0000\u001f\u007f\b\f"));
        assertEquals("\"/ é ✓\"", Json.write("/ é ✓"));
    }

    @Test
    void surrogatesAndLineSeparatorsAreEscapedSoTheOutputIsValidUtf8AndJavaScript() {
        assertEquals("\"\\ud83d\\ude00 \\ud800 \\u2028\\u2029\"", Json.write("\uD83D\uDE00 \uD800 \u2028\u2029"));
    }

    @Test
    void somethingThatIsNotAJsonValueIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.write(1.5));
    }
}
