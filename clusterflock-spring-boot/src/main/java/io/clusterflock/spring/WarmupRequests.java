package io.clusterflock.spring;

import io.clusterflock.Warmup;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The warm-up requests a new worker sends itself: the application's {@code clusterflock.warmup}
 * (in the text form of {@code --warmup}), then the operator's {@code --warmup}.
 *
 * <pre>
 * clusterflock.warmup=GET /items; count 2000                          (one)
 * clusterflock.warmup[0]=GET /items; count 2000                       (several)
 * clusterflock.warmup[1]=POST /search; header Content-Type: application/json; body {"q": "socks"}
 * </pre>
 *
 * A single value is one warm-up, commas and all (a body may hold them); several are indexed.
 */
record WarmupRequests(List<Warmup> list) {
    static final String PROPERTY = "clusterflock.warmup";

    /** @throws IllegalArgumentException naming the property and what is wrong in it */
    static WarmupRequests of(Environment environment, List<Warmup> operators) {
        List<Warmup> all = new ArrayList<>();
        String one = environment.getProperty(PROPERTY);
        if (one != null) {
            all.add(parse(PROPERTY, one));
        } else {
            List<String> texts = Binder.get(environment).bind(PROPERTY, Bindable.listOf(String.class)).orElse(List.of());
            for (int i = 0; i < texts.size(); i++) {
                all.add(parse(PROPERTY + "[" + i + "]", texts.get(i)));
            }
        }
        all.addAll(operators);
        return new WarmupRequests(List.copyOf(all));
    }

    private static Warmup parse(String property, String text) {
        try {
            return Warmup.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": '" + text + "' is not a warm-up: " + e.getMessage(), e);
        }
    }

    boolean isEmpty() {
        return list.isEmpty();
    }
}
