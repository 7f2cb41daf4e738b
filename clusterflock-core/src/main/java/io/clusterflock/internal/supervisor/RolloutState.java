package io.clusterflock.internal.supervisor;

import java.util.Optional;

/**
 * Which generation serves, and what became of the newest: {@code status} shows them apart, so a
 * reload that gave up never reads as a cluster running code it is not running.
 *
 * @param serving   the generation of the last rollout that finished (0 before any)
 * @param newest    the newest generation asked for
 * @param underWay  whether a rollout to {@code newest} is under way
 * @param rolling   whether that rollout is a rolling restart
 * @param failure   why the rollout to {@code newest} gave up, if it did
 */
public record RolloutState(int serving, int newest, boolean underWay, boolean rolling, Optional<String> failure) {
    public static final RolloutState INITIAL = new RolloutState(0, 0, false, false, Optional.empty());
}
