package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches in a process a clusterflock master started: its environment says so
 * ({@code CLUSTERFLOCK_WORKER_ID}). Read from the process's own environment, as the worker library
 * reads it, and not from Spring's, where a property of the same name could stand in for it.
 */
final class OnWorkerCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return Worker.isWorker();
    }
}
