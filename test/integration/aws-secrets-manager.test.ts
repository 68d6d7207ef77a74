// The local Secrets Manager through the real AWS SDK v3 client (endpoint from
// AWS_ENDPOINT_URL_SECRETS_MANAGER) and Powertools getSecret: versions and the AWSCURRENT/AWSPREVIOUS
// labels that webhook secret rotation relies on, and AWS's error shapes.
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulators, applyToProcessEnv, startAwsEmulators } from '../../infra/local/aws/index.ts';

let aws: AwsEmulators;
let secrets: SecretsManagerClient;

beforeAll(async () => {
  aws = await startAwsEmulators();
  applyToProcessEnv(aws.env);
  // No endpoint here: the SDK takes it from AWS_ENDPOINT_URL_SECRETS_MANAGER, as the functions do.
  secrets = new SecretsManagerClient({});
});

afterAll(async () => {
  secrets?.destroy();
  await aws?.stop();
});

describe('local Secrets Manager', () => {
  it('has the secrets of resources.ts, created empty as the stack creates them', async () => {
    expect(process.env.APSYNC_WEBHOOK_SECRET).toBe('apsync/webhook');
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: aws.names.secrets.netsuite }));
    expect(described.Name).toBe('apsync/netsuite');
    expect(described.Description).toMatch(/NetSuite/);
    expect(described.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:apsync\/netsuite-[A-Za-z0-9]{6}$/,
    );
    expect(described.VersionIdsToStages).toEqual({});
    const empty = await secrets
      .send(new GetSecretValueCommand({ SecretId: aws.names.secrets.netsuite }))
      .catch((error: unknown) => error);
    expect(empty).toBeInstanceOf(ResourceNotFoundException);
    expect((empty as Error).message).toMatch(/AWSCURRENT/);
  });

  it('keeps the current and the previous version across PutSecretValue (rotation)', async () => {
    const SecretId = aws.names.secrets.webhook;
    const v1 = await secrets.send(
      new PutSecretValueCommand({ SecretId, SecretString: '{"current":"whsec_one"}' }),
    );
    expect(v1.VersionStages).toEqual(['AWSCURRENT']);
    const v2 = await secrets.send(
      new PutSecretValueCommand({ SecretId, SecretString: '{"current":"whsec_two"}' }),
    );

    const current = await secrets.send(new GetSecretValueCommand({ SecretId }));
    expect(current).toMatchObject({
      SecretString: '{"current":"whsec_two"}',
      VersionId: v2.VersionId,
      VersionStages: ['AWSCURRENT'],
    });
    expect(current.CreatedDate).toBeInstanceOf(Date);
    const previous = await secrets.send(new GetSecretValueCommand({ SecretId, VersionStage: 'AWSPREVIOUS' }));
    expect(previous).toMatchObject({
      SecretString: '{"current":"whsec_one"}',
      VersionId: v1.VersionId,
      VersionStages: ['AWSPREVIOUS'],
    });
    const byId = await secrets.send(
      new GetSecretValueCommand({ SecretId: current.ARN, VersionId: v1.VersionId }),
    );
    expect(byId.SecretString).toBe('{"current":"whsec_one"}');

    const v3 = await secrets.send(
      new PutSecretValueCommand({ SecretId, SecretString: '{"current":"whsec_three"}' }),
    );
    const described = await secrets.send(new DescribeSecretCommand({ SecretId }));
    // The oldest version lost its last label and is gone; the labels moved one step.
    expect(described.VersionIdsToStages).toEqual({
      [v2.VersionId!]: ['AWSPREVIOUS'],
      [v3.VersionId!]: ['AWSCURRENT'],
    });
    expect(described.LastChangedDate).toBeInstanceOf(Date);
  });

  it('creates secrets, treats a retried PutSecretValue as one version and refuses duplicates', async () => {
    const created = await secrets.send(
      new CreateSecretCommand({
        Name: 'test/retry',
        SecretString: 'first',
        Description: 'retry test',
        Tags: [{ Key: 'app', Value: 'apsync' }],
      }),
    );
    expect(created.VersionId).toBeTruthy();
    const token = '11111111-2222-3333-4444-555555555555';
    const once = await secrets.send(
      new PutSecretValueCommand({
        SecretId: 'test/retry',
        SecretString: 'second',
        ClientRequestToken: token,
      }),
    );
    const again = await secrets.send(
      new PutSecretValueCommand({
        SecretId: 'test/retry',
        SecretString: 'second',
        ClientRequestToken: token,
      }),
    );
    expect(again.VersionId).toBe(once.VersionId);
    expect(
      (await secrets.send(new GetSecretValueCommand({ SecretId: 'test/retry', VersionStage: 'AWSPREVIOUS' })))
        .SecretString,
    ).toBe('first');
    await expect(
      secrets.send(
        new PutSecretValueCommand({
          SecretId: 'test/retry',
          SecretString: 'other',
          ClientRequestToken: token,
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
    await expect(
      secrets.send(new CreateSecretCommand({ Name: 'test/retry', SecretString: 'x' })),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it('lists secrets with a name filter and pages', async () => {
    const filtered = await secrets.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['apsync/'] }] }),
    );
    expect(filtered.SecretList?.map((secret) => secret.Name).sort()).toEqual([
      'apsync/netsuite',
      'apsync/procurify',
      'apsync/webhook',
    ]);
    const webhook = filtered.SecretList?.find((secret) => secret.Name === 'apsync/webhook');
    expect(Object.values(webhook?.SecretVersionsToStages ?? {})).toContainEqual(['AWSCURRENT']);

    const first = await secrets.send(new ListSecretsCommand({ MaxResults: 2 }));
    expect(first.SecretList).toHaveLength(2);
    expect(first.NextToken).toBeTruthy();
    const rest = await secrets.send(new ListSecretsCommand({ MaxResults: 100, NextToken: first.NextToken }));
    const names = [...(first.SecretList ?? []), ...(rest.SecretList ?? [])].map((secret) => secret.Name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('test/retry');
  });

  it('answers an unknown secret with ResourceNotFoundException in AWS JSON error shape', async () => {
    const error = await secrets
      .send(new GetSecretValueCommand({ SecretId: 'apsync/nope' }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).name).toBe('ResourceNotFoundException');
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
    expect((error as Error).message).toBe("Secrets Manager can't find the specified secret.");
    await expect(secrets.send(new DescribeSecretCommand({ SecretId: 'apsync/nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('serves Powertools getSecret (what the functions call), including a forced fetch after rotation', async () => {
    const SecretId = aws.names.secrets.procurify;
    await secrets.send(new PutSecretValueCommand({ SecretId, SecretString: '{"clientId":"a"}' }));
    expect(await getSecret(SecretId, { transform: 'json', maxAge: 300 })).toEqual({ clientId: 'a' });
    await secrets.send(new PutSecretValueCommand({ SecretId, SecretString: '{"clientId":"b"}' }));
    expect(await getSecret(SecretId, { transform: 'json', maxAge: 300 })).toEqual({ clientId: 'a' });
    expect(await getSecret(SecretId, { transform: 'json', forceFetch: true })).toEqual({ clientId: 'b' });
  });
});
