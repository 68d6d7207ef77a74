// The secrets local mode stores in its Secrets Manager emulator, in the form `apsync secrets set`
// stores them on AWS and checked by the schemas the functions read them with (shared/aws/credentials.ts):
// the NetSuite and Procurify sandboxes' credentials and the webhook signing secret. Used by the local
// stack (stack.ts) and by tests that run the sandboxes beside a stack (test/soak).
import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { netSuiteCredentialsSchema, procurifyCredentialsSchema } from '../../shared/aws/credentials.ts';
import type { NetSuiteSandbox } from '../sandboxes/netsuite/index.ts';
import type { ProcurifySandbox } from '../sandboxes/procurify/index.ts';

/** Stores the sandbox's credentials as the NetSuite secret, pointing at the sandbox. */
export async function storeNetSuiteSandboxSecret(
  client: SecretsManagerClient,
  name: string,
  netsuite: Pick<NetSuiteSandbox, 'credentials' | 'url'>,
): Promise<void> {
  // No token URL: the client derives it from the base URL (shared/netsuite/config.ts), as on NetSuite.
  const { tokenUrl: _tokenUrl, ...credentials } = netsuite.credentials;
  await putSecret(
    client,
    name,
    netSuiteCredentialsSchema.parse({
      ...credentials,
      baseUrl: netsuite.url,
      // The sandbox serves apsync's attachment RESTlet on its own host (infra/sandboxes/netsuite/restlet.ts).
      restlets: {},
    }),
  );
}

/** Stores the sandbox's credentials as the Procurify secret, pointing at the sandbox. */
export async function storeProcurifySandboxSecret(
  client: SecretsManagerClient,
  name: string,
  procurify: Pick<ProcurifySandbox, 'credentials' | 'url'>,
): Promise<void> {
  await putSecret(
    client,
    name,
    procurifyCredentialsSchema.parse({ ...procurify.credentials, baseUrl: procurify.url }),
  );
}

/** Keeps the stored webhook secret across restarts (NetSuite has it); creates one on first start. */
export async function ensureWebhookSecret(client: SecretsManagerClient, name: string): Promise<string> {
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: name }));
    const current = (JSON.parse(answer.SecretString ?? '{}') as { current?: string }).current;
    if (current !== undefined) return current;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
  }
  const current = `whsec_${randomBytes(32).toString('base64')}`;
  await putSecret(client, name, { current });
  return current;
}

async function putSecret(client: SecretsManagerClient, name: string, value: unknown): Promise<void> {
  const SecretString = JSON.stringify(value);
  try {
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    await client.send(new CreateSecretCommand({ Name: name, SecretString }));
  }
}
