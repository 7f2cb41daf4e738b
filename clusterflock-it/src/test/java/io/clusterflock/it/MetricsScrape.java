package io.clusterflock.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One scrape of a master's {@code GET /metrics}, as Prometheus reads it: the text, and the value of
 * each series by its name and labels as written ({@code clusterflock_workers{state="ready"}}).
 */
record MetricsScrape(String text, Map<String, Double> samples) {

    /** Scrapes {@code http://127.0.0.1:port/metrics}. */
    static MetricsScrape of(int port) {
        try {
            Http.Response response = Http.get(port, "/metrics");
            if (response.status() != 200) {
                throw new AssertionError("GET /metrics answered " + response.status() + ":\n" + response.head());
            }
            if (!response.head().toLowerCase(java.util.Locale.ROOT).contains("content-length:")) {
                throw new AssertionError("GET /metrics answered without a Content-Length (chunked?):\n" + response.head());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MetricsScrape parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).toList()) {
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return new MetricsScrape(text, samples);
    }

    OptionalDouble value(String series) {
        Double value = samples.get(series);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** The value of a series that must be there. */
    double of(String series) {
        return value(series).orElseThrow(() -> new AssertionError("no series " + series + " in\n" + text));
    }

    /** The sum of every series of one metric: {@code sum("clusterflock_http_requests_total")}. */
    double sum(String metric) {
        return samples.entrySet().stream().filter(e -> e.getKey().equals(metric) || e.getKey().startsWith(metric + "{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** The series of one metric and their values. */
    Map<String, Double> series(String metric) {
        Map<String, Double> found = new LinkedHashMap<>();
        samples.forEach((series, value) -> {
            if (series.equals(metric) || series.startsWith(metric + "{")) {
                found.put(series, value);
            }
        });
        return found;
    }
}
