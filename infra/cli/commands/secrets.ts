// `apsync secrets set netsuite|procurify|webhook`: stores credentials in the target's Secrets Manager,
// read from a file or standard input (never from the command line, never echoed), validated with the
// schemas the functions read them with (shared/aws/credentials.ts, webhook-secrets.ts) plus a check
// that the NetSuite private key fits its algorithm. The webhook secret rotates: the old current value
// becomes `previous`, so notices signed with either are accepted until NetSuite has the new one.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type * as z from 'zod';
import { netSuiteCredentialsSchema, procurifyCredentialsSchema } from '../../../shared/aws/credentials.ts';
import { classifyAwsError } from '../../../shared/aws/sdk-errors.ts';
import { type WebhookSecretValue, webhookSecretValueSchema } from '../../../shared/aws/webhook-secrets.ts';
import { DataError } from '../../../shared/errors.ts';
import type { SecretsSetOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';

export const secretKinds = ['netsuite', 'procurify', 'webhook'] as const;
export type SecretKind = (typeof secretKinds)[number];

export interface SecretInput {
  /** The file's or standard input's text; absent for `--generate` / `--drop-previous`. */
  text?: string;
  /** Webhook: make a new random secret. */
  generate?: boolean;
  /** Webhook: forget `previous` (the last step of a rotation). */
  dropPrevious?: boolean;
}

const fail = (message: string, code = 'bad-secret') => new DataError(message, { source: 'apsync-cli', code });

/** Problems without values: a zod issue's path and message never contain the secret itself. */
function parseWith<T>(schema: z.ZodType<T>, text: string | undefined, what: string): T {
  if (text === undefined || text.trim() === '')
    throw fail(`no ${what} credentials given: pipe the JSON on stdin or pass --file`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail(`the ${what} credentials are not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(value)'}: ${issue.message}`)
      .join('; ');
    throw fail(`the ${what} credentials are not valid: ${problems}`);
  }
  return parsed.data;
}

const curves: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** The private key must be readable and of the algorithm's type (NetSuite: EC P-256/384/521 or RSA ≥ 3072). */
export function checkNetSuiteKey(privateKeyPem: string, algorithm: string): void {
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw fail('privateKeyPem: not a readable PEM private key (PKCS#8 or traditional, unencrypted)');
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (algorithm.startsWith('ES')) {
    const expected = curves[algorithm];
    if (type !== 'ec' || details.namedCurve !== expected) {
      throw fail(
        `privateKeyPem: ${algorithm} needs an EC ${expected} key, this is ${type === 'ec' ? `an EC ${details.namedCurve} key` : `an ${type?.toUpperCase()} key`}`,
      );
    }
    return;
  }
  if (type !== 'rsa' && type !== 'rsa-pss') {
    throw fail(`privateKeyPem: ${algorithm} needs an RSA key, this is an ${type?.toUpperCase()} key`);
  }
  if ((details.modulusLength ?? 0) < 3072) {
    throw fail(
      `privateKeyPem: NetSuite accepts RSA keys of 3072 or 4096 bits, this one has ${details.modulusLength}`,
    );
  }
}

const whsecPattern = /^whsec_[A-Za-z0-9+/=]{24,}$/;

/** A new Standard Webhooks secret: base64 of base64url text, so NetSuite can also use it as UTF-8. */
export function newWebhookSecret(): string {
  return `whsec_${Buffer.from(randomBytes(32).toString('base64url')).toString('base64')}`;
}

export async function setSecret(
  services: CliServices,
  kind: SecretKind,
  input: SecretInput,
): Promise<SecretsSetOutput> {
  const name = services.target.secrets[kind];
  if (kind !== 'webhook' && (input.generate || input.dropPrevious)) {
    throw fail('--generate and --drop-previous apply to the webhook secret only', 'usage');
  }
  if (kind === 'netsuite') {
    const credentials = parseWith(netSuiteCredentialsSchema, input.text, 'NetSuite');
    checkNetSuiteKey(credentials.privateKeyPem, credentials.algorithm);
    await putSecret(services, name, credentials);
    return { secret: kind, name, stored: true };
  }
  if (kind === 'procurify') {
    await putSecret(services, name, parseWith(procurifyCredentialsSchema, input.text, 'Procurify'));
    return { secret: kind, name, stored: true };
  }
  const existing = await readWebhookSecret(services, name);
  let value: WebhookSecretValue;
  if (input.dropPrevious) {
    if (input.generate || (input.text !== undefined && input.text.trim() !== '')) {
      throw fail('--drop-previous takes no new secret', 'usage');
    }
    if (existing === undefined) throw fail(`${name} has no value yet: nothing to drop`);
    value = { current: existing.current };
  } else {
    const current = input.generate ? newWebhookSecret() : webhookSecretFrom(input.text);
    value =
      existing === undefined || existing.current === current
        ? { current, ...(existing?.previous === undefined ? {} : { previous: existing.previous }) }
        : { current, previous: existing.current };
  }
  const checked = webhookSecretValueSchema.safeParse(value);
  if (!checked.success)
    throw fail(`the webhook secret is not valid: ${checked.error.issues[0]?.message ?? 'invalid'}`);
  await putSecret(services, name, checked.data);
  return {
    secret: kind,
    name,
    stored: true,
    rotated: value.previous !== undefined && value.previous === existing?.current,
    netsuiteApiSecretValue: value.current.slice('whsec_'.length),
  };
}

/** A bare `whsec_...` line, or the stored JSON shape `{"current": "whsec_..."}`. */
function webhookSecretFrom(text: string | undefined): string {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') throw fail('no webhook secret given: pipe it on stdin, pass --file, or use --generate');
  let current = trimmed;
  if (trimmed.startsWith('{')) {
    try {
      current = String((JSON.parse(trimmed) as { current?: unknown }).current ?? '');
    } catch {
      throw fail('the webhook secret is neither whsec_… nor JSON');
    }
  }
  if (!whsecPattern.test(current))
    throw fail('the webhook secret must be whsec_ followed by base64 (at least 18 bytes)');
  return current;
}

async function readWebhookSecret(
  services: CliServices,
  name: string,
): Promise<WebhookSecretValue | undefined> {
  let text: string | undefined;
  try {
    text = (await services.secretsManager.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw classifyAwsError(error, 'secretsmanager');
  }
  try {
    const parsed = webhookSecretValueSchema.safeParse(JSON.parse(text ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function putSecret(services: CliServices, name: string, value: unknown): Promise<void> {
  try {
    await services.secretsManager.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(value) }),
    );
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') {
      throw fail(
        `secret ${name} does not exist in ${services.target.label}; deploy the stateful stack first`,
        'no-secret',
      );
    }
    throw classifyAwsError(error, 'secretsmanager');
  }
}

export function renderSecretsSet(output: SecretsSetOutput, local: { sandbox: boolean } | undefined): string {
  const lines = [`stored the ${output.secret} secret in ${output.name}`];
  if (output.secret === 'webhook') {
    lines.push(
      output.rotated
        ? 'the previous secret is kept: notices signed with either are accepted until you run apsync secrets set webhook --drop-previous'
        : 'no previous secret kept',
      '',
      'Paste this value into NetSuite (Setup > Company > API Secrets, the part after whsec_;',
      'see infra/netsuite-script/README.md "Get the signing secret"):',
      '',
      `  ${output.netsuiteApiSecretValue}`,
      '',
    );
    if (local?.sandbox) {
      lines.push(
        'The local NetSuite sandbox keeps signing with the secret it had at start until npm start runs again.',
      );
    }
  } else if (local?.sandbox) {
    lines.push(
      `Note: this local stack uses the ${output.secret} sandbox and stores the sandbox's credentials at each start;`,
      `start it with --${output.secret}-url <url> to keep yours.`,
    );
  }
  lines.push('Functions pick up new credentials within 5 minutes (their secret cache).');
  return `${lines.join('\n')}\n`;
}
