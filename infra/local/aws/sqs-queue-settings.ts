// Queue attributes in the local SQS emulator: what CreateQueue and SetQueueAttributes accept (limits,
// redrive policy, attributes kept without effect, refusals worded as SQS words them) and what
// GetQueueAttributes answers (settings and message counts). Used by the queue engine (sqs-queues.ts).
import { refusal } from './json-protocol.ts';
import {
  type LiveQueue,
  nameFromArn,
  type QueueSettings,
  queueArn,
  type RedrivePolicy,
  sqsSource as source,
} from './sqs-model.ts';

const defaults: Omit<QueueSettings, 'passive'> = {
  VisibilityTimeout: 30,
  MessageRetentionPeriod: 345_600,
  DelaySeconds: 0,
  ReceiveMessageWaitTimeSeconds: 0,
  MaximumMessageSize: 1_048_576,
};
const numericLimits: Record<string, [number, number]> = {
  VisibilityTimeout: [0, 43_200],
  MessageRetentionPeriod: [60, 1_209_600],
  DelaySeconds: [0, 900],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  MaximumMessageSize: [1024, 1_048_576],
};
const passiveAttributeNames = [
  'Policy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
];

/**
 * `base` (or the defaults) with `attributes` applied; refuses an unknown attribute, a value out of its
 * limits, a FIFO queue and a redrive policy whose target is not a queue (`queueExists`).
 */
export function settingsFrom(
  attributes: Record<string, string>,
  base: QueueSettings | undefined,
  queueExists: (name: string) => boolean,
): QueueSettings {
  const settings: QueueSettings = base
    ? { ...base, passive: { ...base.passive } }
    : { ...defaults, passive: {} };
  for (const [name, value] of Object.entries(attributes)) {
    const limits = numericLimits[name];
    if (limits) {
      const number = Number(value);
      if (value.trim() === '' || !Number.isInteger(number) || number < limits[0] || number > limits[1]) {
        throw refusal(source, 'InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
      }
      (settings as unknown as Record<string, number>)[name] = number;
    } else if (name === 'RedrivePolicy') {
      if (value === '') {
        delete settings.RedrivePolicy;
        continue;
      }
      settings.RedrivePolicy = redrivePolicy(value, queueExists);
    } else if (passiveAttributeNames.includes(name)) {
      settings.passive[name] = value;
    } else if (name === 'FifoQueue') {
      if (value === 'true') {
        throw refusal(
          source,
          'InvalidAttributeValue',
          'FIFO queues are not emulated locally (apsync uses standard queues).',
        );
      }
    } else {
      throw refusal(source, 'InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
  }
  return settings;
}

function redrivePolicy(value: string, queueExists: (name: string) => boolean): RedrivePolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw refusal(
      source,
      'InvalidAttributeValue',
      `Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.`,
    );
  }
  const policy = parsed as Partial<Record<string, unknown>>;
  const target = policy.deadLetterTargetArn;
  const count = Number(policy.maxReceiveCount);
  if (typeof target !== 'string' || !Number.isInteger(count) || count < 1 || count > 1000) {
    throw refusal(
      source,
      'InvalidAttributeValue',
      'Invalid value for the parameter RedrivePolicy. Reason: Redrive policy needs deadLetterTargetArn and maxReceiveCount (1-1000).',
    );
  }
  if (!queueExists(nameFromArn(target)) || queueArn(nameFromArn(target)) !== target) {
    throw refusal(
      source,
      'InvalidAttributeValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.`,
    );
  }
  return { deadLetterTargetArn: target, maxReceiveCount: count };
}

/** GetQueueAttributes: the attributes named (`All` for every one), with the message counts at `now`. */
export function queueAttributes(
  queue: LiveQueue,
  names: readonly string[],
  now: number,
): Record<string, string> {
  let visible = 0;
  let inFlight = 0;
  let delayed = 0;
  for (const message of queue.messages.values()) {
    if (message.availableAt <= now) visible += 1;
    else if (message.receipt === undefined) delayed += 1;
    else inFlight += 1;
  }
  const { settings } = queue.record;
  const all: Record<string, string> = {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(visible),
    ApproximateNumberOfMessagesNotVisible: String(inFlight),
    ApproximateNumberOfMessagesDelayed: String(delayed),
    CreatedTimestamp: String(queue.record.createdAt),
    LastModifiedTimestamp: String(queue.record.modifiedAt),
    VisibilityTimeout: String(settings.VisibilityTimeout),
    MaximumMessageSize: String(settings.MaximumMessageSize),
    MessageRetentionPeriod: String(settings.MessageRetentionPeriod),
    DelaySeconds: String(settings.DelaySeconds),
    ReceiveMessageWaitTimeSeconds: String(settings.ReceiveMessageWaitTimeSeconds),
    SqsManagedSseEnabled: 'true',
    ...settings.passive,
  };
  if (settings.RedrivePolicy) all.RedrivePolicy = JSON.stringify(settings.RedrivePolicy);
  if (names.includes('All')) return all;
  const known = new Set([...Object.keys(all), 'RedrivePolicy', ...passiveAttributeNames, 'FifoQueue']);
  const chosen: Record<string, string> = {};
  for (const attribute of names) {
    if (!known.has(attribute))
      throw refusal(source, 'InvalidAttributeName', `Unknown Attribute ${attribute}.`);
    const value = all[attribute];
    if (value !== undefined) chosen[attribute] = value;
  }
  return chosen;
}
