package io.clusterflock.spring;

import io.clusterflock.worker.Worker;

/**
 * This process as a clusterflock worker, for the application to inject: its slot, the reload
 * generation it was started for, and how many workers the cluster had then. Present only in a
 * worker; outside clusterflock there is no such bean.
 *
 * @param id         the slot, 0 ≤ id &lt; workers, stable across respawns of the slot
 * @param generation the reload generation (0 at first start, +1 per reload)
 * @param workers    how many workers the cluster had when this one was started
 */
public record ClusterflockWorker(int id, int generation, int workers) {

    static ClusterflockWorker of(Worker worker) {
        return new ClusterflockWorker(worker.id(), worker.generation(), worker.workers());
    }
}
