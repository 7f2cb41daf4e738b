/**
 * The master's state machine. A reader's guide, in the order to read the files:
 *
 * <ol>
 *   <li>{@link io.clusterflock.internal.supervisor.Input}: everything that can happen to the master,
 *       queued by signal handlers, reaper threads, the worker channel and API calls. Nothing else
 *       reaches the state.</li>
 *   <li>{@link io.clusterflock.internal.supervisor.Lifecycle}: where one worker process is in its life
 *       (starting, ready, being replaced, stopping, dumping, killed), each state with its deadline
 *       and, once it is ending, why ({@link io.clusterflock.EndCause}).</li>
 *   <li>{@link io.clusterflock.internal.supervisor.Pool}: the slots (desired state) and the workers
 *       (actual state), with the named queries every policy asks.</li>
 *   <li>{@link io.clusterflock.internal.supervisor.Supervisor}: handles one input, then reconciles —
 *       the loop's only entry points.</li>
 *   <li>The policies, each owning its rule and its deadline:
 *       {@link io.clusterflock.internal.supervisor.Rollout} (generations, reload, rolling restart,
 *       giving up), {@link io.clusterflock.internal.supervisor.Respawns} (filling slots, backoff),
 *       {@link io.clusterflock.internal.supervisor.Recycling} (max requests, memory, age),
 *       {@link io.clusterflock.internal.supervisor.Watchdog} (ready-by, kill-at, heartbeats),
 *       {@link io.clusterflock.internal.supervisor.Resizes} (who waits for a resize).</li>
 *   <li>{@link io.clusterflock.internal.supervisor.Actions}: the only place a worker changes state,
 *       with the signal to send and the event to report.</li>
 *   <li>{@link io.clusterflock.internal.supervisor.ProcessPort} and
 *       {@link io.clusterflock.internal.supervisor.Clock}: the operating system and time, faked in the
 *       unit tests.</li>
 * </ol>
 *
 * <p>One thread owns all of it ({@code internal.master.SupervisorLoop}); nothing here locks.
 */
package io.clusterflock.internal.supervisor;
