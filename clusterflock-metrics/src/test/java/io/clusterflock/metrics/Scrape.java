package io.clusterflock.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A registry scraped as Prometheus reads it (the text format), with its samples by series:
 * {@code clusterflock_reloads_total{result="finished"}} → 1.0.
 */
record Scrape(String text, Map<String, Double> samples) {

    static Scrape of(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(out.toString(StandardCharsets.UTF_8));
    }

    static Scrape parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).toList()) {
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return new Scrape(text, samples);
    }

    /** The value of one series, e.g. {@code value("clusterflock_workers{state=\"ready\"}")}; empty when it is not there. */
    OptionalDouble value(String series) {
        Double value = samples.get(series);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** The value of a series that must be there. */
    double of(String series) {
        return value(series).orElseThrow(() -> new AssertionError("no series " + series + " in\n" + text));
    }
}
