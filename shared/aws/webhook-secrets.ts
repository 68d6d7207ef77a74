// Reads the webhook signing secrets from Secrets Manager through Powertools Parameters, cached for
// minutes (Powertools' own default is 5 seconds). The secret value is JSON: {"current": "whsec_...",
// "previous": "whsec_..."}; `apsync secrets set webhook` moves the old current to previous on rotation.
// The value is parsed and validated once while it stays the same (not on every notice).
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import { DataError } from '../errors.ts';
import { classifyAwsError } from './sdk-errors.ts';

export const webhookSecretValueSchema = z
  .object({
    current: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, 'must be whsec_ followed by base64 (at least 18 bytes)'),
    previous: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{24,}$/)
      .optional(),
  })
  .strict();

export type WebhookSecretValue = z.infer<typeof webhookSecretValueSchema>;

export function createWebhookSecretSource(
  provider: SecretsProvider,
  secretName: string,
  maxAgeSeconds = 300,
): () => Promise<readonly string[]> {
  let last: { raw: unknown; secrets: readonly string[] } | undefined;
  return async () => {
    let raw: unknown;
    try {
      raw = await provider.get(secretName, { maxAge: maxAgeSeconds });
    } catch (error) {
      throw classifyAwsError(error, 'secretsmanager');
    }
    if (raw === undefined || raw === '') return [];
    if (last !== undefined && last.raw === raw) return last.secrets;
    let json: unknown;
    try {
      json = JSON.parse(String(raw));
    } catch {
      throw new DataError(`secret ${secretName} is not JSON; store it with "apsync secrets set webhook"`);
    }
    const parsed = webhookSecretValueSchema.safeParse(json);
    if (!parsed.success) {
      throw new DataError(
        `secret ${secretName} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    }
    const secrets =
      parsed.data.previous === undefined
        ? [parsed.data.current]
        : [parsed.data.current, parsed.data.previous];
    last = { raw, secrets };
    return secrets;
  };
}
