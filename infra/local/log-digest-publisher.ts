// Local mode has no SNS: the failure digest the alarm topic would e-mail is written to the log instead.
// Used by local mode's failure-digest (failure-digest-entry.ts in its thread, functions.ts in process).
import type { DigestPublisher } from '../../shared/digest/send-failure-digest.ts';
import { logger } from '../../shared/observability.ts';

export const logDigestPublisher: DigestPublisher = {
  name: 'log',
  required: true,
  publish: async (digest) => {
    logger.info('failure digest', { subject: digest.subject, digest: digest.text });
  },
};
