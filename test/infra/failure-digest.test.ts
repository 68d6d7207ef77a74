// The failure digest's chat webhook from cdk.json to the function: digestWebhookSecret is validated at
// synth, reaches the digest as APSYNC_DIGEST_WEBHOOK_SECRET with GetSecretValue on that secret alone.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseConfiguration } from '../../infra/cdk/config.ts';
import { digestEnvironmentNames } from '../../shared/resources.ts';
import {
  asArray,
  buildTestApp,
  type CfnTemplate,
  flatten,
  functionLogicalId,
  resourceById,
  statementsOfRole,
  testConfiguration,
} from './synthesis.ts';

describe('digestWebhookSecret', () => {
  it('gives the failure digest the secret name and read access to that secret only', () => {
    const config = parseConfiguration({ ...testConfiguration, digestWebhookSecret: 'apsync/slack-digest' });
    const { built } = buildTestApp({ config, skipBundling: true });
    const template = Template.fromStack(built.service).toJSON() as CfnTemplate;
    const fn = resourceById(template, functionLogicalId(template, 'apsync-failure-digest'));
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables[digestEnvironmentNames.webhookSecret]).toBe('apsync/slack-digest');
    const role = flatten(fn.Properties.Role)
      .slice(1, -1)
      .replace(/\.Arn$/, '');
    const secrets = statementsOfRole(template, role)
      .filter((s) => asArray(s.Action).includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => asArray(s.Resource).map(flatten));
    expect(secrets).toEqual([
      'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:apsync/slack-digest-??????',
    ]);
  });

  it('refuses a value that is not a secret name, naming the key', () => {
    expect(() =>
      parseConfiguration({ ...testConfiguration, digestWebhookSecret: 'https://hooks.slack.com/x y' }),
    ).toThrow(ConfigurationError);
    expect(() =>
      parseConfiguration({ ...testConfiguration, digestWebhookSecret: 'https://hooks.slack.com/x y' }),
    ).toThrow(/digestWebhookSecret/);
  });
});
