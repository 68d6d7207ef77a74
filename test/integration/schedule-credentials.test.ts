// A first deploy before `apsync secrets set`: the secrets exist without a value. A run its schedule
// starts then logs that it waits for credentials and ends without failing (no retry, no schedule
// dead-letter message, no Errors alarm); a run asked for on demand fails with the message to act on;
// once the secret is stored, the same scheduled run reaches NetSuite. Real handlers and composition
// roots against the local AWS emulators.
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeNetSuitePoll } from '../../functions/netsuite-poll/compose.ts';
import { createNetSuitePollHandler } from '../../functions/netsuite-poll/handler.ts';
import { composeProcurifyPoll } from '../../functions/procurify-poll/compose.ts';
import { createProcurifyPollHandler } from '../../functions/procurify-poll/handler.ts';
import { type AwsEmulators, applyToProcessEnv, startAwsEmulators } from '../../infra/local/aws/index.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import { scheduleSource, scheduleSwitchOf, withScheduleSwitch } from '../../shared/lambda/schedule-switch.ts';

let aws: AwsEmulators;

beforeAll(async () => {
  aws = await startAwsEmulators();
  applyToProcessEnv(aws.env);
});

afterAll(async () => {
  await aws?.stop();
});

const scheduled = { source: scheduleSource, schedule: 'netsuitePoll', scheduledTime: '2026-12-03T07:00:00Z' };

describe('scheduled runs before the credentials are stored', () => {
  it('wait without failing when their schedule starts them, and fail when asked for on demand', async () => {
    const netsuitePoll = withScheduleSwitch(
      'netsuitePoll',
      scheduleSwitchOf('netsuitePoll', aws.env),
      createNetSuitePollHandler(composeNetSuitePoll(aws.env)),
    );
    const context = () => createLambdaContext('netsuite-poll', 60_000);
    expect(await netsuitePoll(scheduled, context())).toEqual({
      skipped: `waiting for credentials: secret ${aws.names.secrets.netsuite} has no value yet; store it with "apsync secrets set"; the netsuitePoll schedule did nothing`,
    });
    await expect(netsuitePoll({}, context())).rejects.toThrow(
      `secret ${aws.names.secrets.netsuite} has no value yet`,
    );

    const procurifyPoll = withScheduleSwitch(
      'procurifyPoll',
      scheduleSwitchOf('procurifyPoll', aws.env),
      createProcurifyPollHandler(composeProcurifyPoll(aws.env)),
    );
    const waiting = await procurifyPoll(
      { ...scheduled, schedule: 'procurifyPoll' },
      createLambdaContext('procurify-poll', 60_000),
    );
    expect(waiting).toEqual({ skipped: expect.stringContaining(`secret ${aws.names.secrets.procurify}`) });
  });

  it('stops waiting once the secret is stored: a malformed one fails the scheduled run', async () => {
    const secrets = new SecretsManagerClient(aws.clientConfig('secretsManager'));
    await secrets.send(
      new PutSecretValueCommand({ SecretId: aws.names.secrets.netsuite, SecretString: '{"accountId":"1"}' }),
    );
    secrets.destroy();
    const netsuitePoll = withScheduleSwitch(
      'netsuitePoll',
      scheduleSwitchOf('netsuitePoll', aws.env),
      createNetSuitePollHandler(composeNetSuitePoll(aws.env)),
    );
    await expect(netsuitePoll(scheduled, createLambdaContext('netsuite-poll', 60_000))).rejects.toThrow(
      `secret ${aws.names.secrets.netsuite} is malformed`,
    );
  });
});
