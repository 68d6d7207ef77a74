// Local mode's entry for failure-digest, in place of functions/failure-digest/index.ts (which needs the
// alarm topic's ARN): the same handler, composition root and schedule switch, publishing the digest to
// the log (log-digest-publisher.ts). Loaded by the function's thread (function-thread.ts).
import { composeFailureDigest } from '../../functions/failure-digest/compose.ts';
import { createFailureDigestHandler } from '../../functions/failure-digest/handler.ts';
import { scheduleSwitchOf, withScheduleSwitch } from '../../shared/lambda/schedule-switch.ts';
import { logDigestPublisher } from './log-digest-publisher.ts';

export const handler = withScheduleSwitch(
  'failureDigest',
  scheduleSwitchOf('failureDigest', process.env),
  createFailureDigestHandler(composeFailureDigest(process.env, { topic: logDigestPublisher })),
);
