import type { QueueName } from './define';

/**
 * The BullMQ prefix of one queue: the instance's prefix (QUEUE_PREFIX, or derived from the
 * database: config/queue-prefix.ts) followed by the queue's name as a Redis Cluster hash
 * tag, e.g. `mimamori:{inbound}` → keys `mimamori:{inbound}:inbound:wait`, ….
 *
 * BullMQ's scripts touch several keys of a queue at once, and Redis Cluster runs a script
 * only when all its keys are in one hash slot: the `{…}` tag puts every key of a queue in
 * the slot of its name, and different queues in different slots, so the queues spread
 * over the masters (BullMQ's advice; one tag for everything would put all on one node).
 * No script spans two queues (no flows). On one Redis the tag is just part of the name.
 * Every Queue and Worker of the app is built with this prefix: it is the one place that
 * names queue keys.
 */
export function bullPrefix(prefix: string, queue: QueueName): string {
  return `${prefix}:{${queue}}`;
}
