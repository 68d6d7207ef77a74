// The local Secrets Manager: CreateSecret, GetSecretValue, PutSecretValue, DescribeSecret, ListSecrets
// and DeleteSecret over the JSON protocol the AWS SDK v3 client speaks (awsJson1.1,
// `X-Amz-Target: secretsmanager.<Operation>`), with versions and the AWSCURRENT / AWSPREVIOUS staging
// labels that webhook secret rotation relies on. Started by index.ts; no such emulator exists on npm.
import { randomBytes, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { Journal } from './journal.ts';
import {
  type EmulatedService,
  localAccountId,
  localRegion,
  ok,
  type ProtocolReply,
  refusal,
} from './json-protocol.ts';

const source = 'secretsmanager';
const current = 'AWSCURRENT';
const previous = 'AWSPREVIOUS';

interface SecretVersion {
  id: string;
  secretString?: string;
  /** base64, as on the wire */
  secretBinary?: string;
  /** epoch seconds */
  createdAt: number;
  stages: string[];
}

interface Tag {
  Key: string;
  Value: string;
}

interface SecretRecord {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  createdAt: number;
  changedAt: number;
  accessedAt?: number;
  deletionDate?: number;
  tags: Tag[];
  /** Only versions that carry a staging label; unlabelled versions are deprecated and dropped. */
  versions: SecretVersion[];
}

const secretId = z.string().min(1);
const tags = z.array(z.object({ Key: z.string(), Value: z.string() })).optional();
/** A new version's value (a string or base64 bytes, not both: checkValue) and its idempotency token. */
const secretValue = {
  SecretString: z.string().optional(),
  SecretBinary: z.string().optional(),
  ClientRequestToken: z.string().optional(),
};
const inputs = {
  CreateSecret: z.object({
    Name: z.string(),
    Description: z.string().optional(),
    KmsKeyId: z.string().optional(),
    ...secretValue,
    Tags: tags,
  }),
  GetSecretValue: z.object({
    SecretId: secretId,
    VersionId: z.string().optional(),
    VersionStage: z.string().optional(),
  }),
  PutSecretValue: z.object({
    SecretId: secretId,
    ...secretValue,
    VersionStages: z.array(z.string()).optional(),
  }),
  DescribeSecret: z.object({ SecretId: secretId }),
  ListSecrets: z.object({
    MaxResults: z.number().int().min(1).max(100).optional(),
    NextToken: z.string().optional(),
    Filters: z.array(z.object({ Key: z.string(), Values: z.array(z.string()) })).optional(),
    IncludePlannedDeletion: z.boolean().optional(),
    SortOrder: z.enum(['asc', 'desc']).optional(),
  }),
  DeleteSecret: z.object({
    SecretId: secretId,
    RecoveryWindowInDays: z.number().int().min(7).max(30).optional(),
    ForceDeleteWithoutRecovery: z.boolean().optional(),
  }),
} as const;

type Operation = keyof typeof inputs;
type Input<O extends Operation> = z.infer<(typeof inputs)[O]>;

const nowSeconds = () => Date.now() / 1000;
const suffixAlphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const arnFor = (name: string) =>
  `arn:aws:secretsmanager:${localRegion}:${localAccountId}:secret:${name}-${[...randomBytes(6)]
    .map((byte) => suffixAlphabet[byte % suffixAlphabet.length])
    .join('')}`;

export interface LocalSecretsManager extends EmulatedService {
  /** Bootstrap: creates the secret, without a value, when it does not exist. */
  ensureSecret(name: string, description: string): void;
  close(): void;
}

/** `dataDir` undefined: in memory only. */
export function createLocalSecretsManager(dataDir?: string): LocalSecretsManager {
  const secrets = new Map<string, SecretRecord>();
  const journal = dataDir === undefined ? undefined : new Journal<never>(dataDir, 'secrets');
  if (journal) {
    const stored = journal.load().snapshot as { secrets: SecretRecord[] } | undefined;
    for (const secret of stored?.secrets ?? []) secrets.set(secret.name, secret);
  }
  // Secrets change rarely: the whole (small) state is rewritten on every change.
  const persist = () => journal?.compact({ secrets: [...secrets.values()] });

  const find = (id: string): SecretRecord => {
    for (const secret of secrets.values()) {
      // A name, the full ARN, or the ARN without its random suffix.
      if (id === secret.name || id === secret.arn || id === secret.arn.slice(0, -7)) {
        if (secret.deletionDate !== undefined) {
          throw refusal(
            source,
            'InvalidRequestException',
            "You can't perform this operation on the secret because it was marked for deletion.",
          );
        }
        return secret;
      }
    }
    throw refusal(source, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  };

  const checkValue = (input: { SecretString?: string | undefined; SecretBinary?: string | undefined }) => {
    if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
      throw refusal(
        source,
        'InvalidParameterException',
        "You can't specify both a binary secret value and a string secret value in the same secret.",
      );
    }
  };

  const newVersion = (
    id: string | undefined,
    input: { SecretString?: string | undefined; SecretBinary?: string | undefined },
  ): SecretVersion => {
    const version: SecretVersion = { id: id ?? randomUUID(), createdAt: nowSeconds(), stages: [] };
    if (input.SecretString !== undefined) version.secretString = input.SecretString;
    if (input.SecretBinary !== undefined) version.secretBinary = input.SecretBinary;
    return version;
  };

  /** Attaches `stages` to `version`, moving each label off the version that had it. */
  const label = (secret: SecretRecord, version: SecretVersion, stages: readonly string[]) => {
    for (const stage of stages) {
      for (const other of secret.versions) {
        if (other === version || !other.stages.includes(stage)) continue;
        other.stages = other.stages.filter((existing) => existing !== stage);
        // The version that loses AWSCURRENT becomes AWSPREVIOUS (and the old AWSPREVIOUS loses it).
        if (stage === current) {
          for (const older of secret.versions) older.stages = older.stages.filter((s) => s !== previous);
          other.stages.push(previous);
        }
      }
      if (!version.stages.includes(stage)) version.stages.push(stage);
    }
    if (!secret.versions.includes(version)) secret.versions.push(version);
    secret.versions = secret.versions.filter((candidate) => candidate.stages.length > 0);
  };

  const versionIdsToStages = (secret: SecretRecord) =>
    Object.fromEntries(secret.versions.map((version) => [version.id, [...version.stages]]));

  const description = (secret: SecretRecord) => ({
    ARN: secret.arn,
    Name: secret.name,
    Description: secret.description,
    KmsKeyId: secret.kmsKeyId,
    CreatedDate: secret.createdAt,
    LastChangedDate: secret.changedAt,
    LastAccessedDate: secret.accessedAt,
    DeletedDate: secret.deletionDate,
    Tags: secret.tags.length > 0 ? secret.tags : undefined,
  });

  const run = (operation: Operation, input: Input<Operation>): ProtocolReply => {
    switch (operation) {
      case 'CreateSecret': {
        const request = input as Input<'CreateSecret'>;
        if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(request.Name)) {
          throw refusal(
            source,
            'ValidationException',
            'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
          );
        }
        checkValue(request);
        const existing = secrets.get(request.Name);
        if (existing?.deletionDate !== undefined) {
          throw refusal(
            source,
            'InvalidRequestException',
            "You can't create this secret because a secret with this name is already scheduled for deletion.",
          );
        }
        if (existing) {
          throw refusal(
            source,
            'ResourceExistsException',
            `The operation failed because the secret ${request.Name} already exists.`,
          );
        }
        const now = nowSeconds();
        const secret: SecretRecord = {
          name: request.Name,
          arn: arnFor(request.Name),
          createdAt: now,
          changedAt: now,
          tags: request.Tags ?? [],
          versions: [],
        };
        if (request.Description !== undefined) secret.description = request.Description;
        if (request.KmsKeyId !== undefined) secret.kmsKeyId = request.KmsKeyId;
        let versionId: string | undefined;
        if (request.SecretString !== undefined || request.SecretBinary !== undefined) {
          const version = newVersion(request.ClientRequestToken, request);
          label(secret, version, [current]);
          versionId = version.id;
        }
        secrets.set(secret.name, secret);
        persist();
        return ok({ ARN: secret.arn, Name: secret.name, VersionId: versionId });
      }
      case 'GetSecretValue': {
        const request = input as Input<'GetSecretValue'>;
        const secret = find(request.SecretId);
        const stage = request.VersionStage ?? (request.VersionId === undefined ? current : undefined);
        const version = secret.versions.find(
          (candidate) =>
            (request.VersionId === undefined || candidate.id === request.VersionId) &&
            (stage === undefined || candidate.stages.includes(stage)),
        );
        if (version === undefined) {
          const what =
            request.VersionId === undefined ? `staging label: ${stage}` : `VersionId: ${request.VersionId}`;
          throw refusal(
            source,
            'ResourceNotFoundException',
            `Secrets Manager can't find the specified secret value for ${what}`,
          );
        }
        secret.accessedAt = Math.floor(nowSeconds() / 86_400) * 86_400;
        return ok({
          ARN: secret.arn,
          Name: secret.name,
          VersionId: version.id,
          SecretString: version.secretString,
          SecretBinary: version.secretBinary,
          VersionStages: [...version.stages],
          CreatedDate: version.createdAt,
        });
      }
      case 'PutSecretValue': {
        const request = input as Input<'PutSecretValue'>;
        const secret = find(request.SecretId);
        checkValue(request);
        if (request.SecretString === undefined && request.SecretBinary === undefined) {
          throw refusal(
            source,
            'InvalidParameterException',
            'You must provide either SecretString or SecretBinary.',
          );
        }
        const token = request.ClientRequestToken;
        const existing =
          token === undefined ? undefined : secret.versions.find((version) => version.id === token);
        if (existing) {
          // A retried request (same token, same value) is answered again; another value is refused.
          if (
            existing.secretString !== request.SecretString ||
            existing.secretBinary !== request.SecretBinary
          ) {
            throw refusal(
              source,
              'ResourceExistsException',
              "You can't modify an existing version, you can only create a new version.",
            );
          }
          return ok({
            ARN: secret.arn,
            Name: secret.name,
            VersionId: existing.id,
            VersionStages: [...existing.stages],
          });
        }
        const version = newVersion(token, request);
        label(secret, version, request.VersionStages ?? [current]);
        secret.changedAt = nowSeconds();
        persist();
        return ok({
          ARN: secret.arn,
          Name: secret.name,
          VersionId: version.id,
          VersionStages: [...version.stages],
        });
      }
      case 'DescribeSecret': {
        const secret = find((input as Input<'DescribeSecret'>).SecretId);
        return ok({ ...description(secret), VersionIdsToStages: versionIdsToStages(secret) });
      }
      case 'ListSecrets': {
        const request = input as Input<'ListSecrets'>;
        const matches = (secret: SecretRecord) =>
          (request.IncludePlannedDeletion === true || secret.deletionDate === undefined) &&
          (request.Filters ?? []).every((filter) => {
            const fields =
              filter.Key === 'name'
                ? [secret.name]
                : filter.Key === 'description'
                  ? [secret.description ?? '']
                  : filter.Key === 'tag-key'
                    ? secret.tags.map((tag) => tag.Key)
                    : filter.Key === 'tag-value'
                      ? secret.tags.map((tag) => tag.Value)
                      : [
                          secret.name,
                          secret.description ?? '',
                          ...secret.tags.flatMap((t) => [t.Key, t.Value]),
                        ];
            // Prefix match, not case-sensitive (as Secrets Manager filters).
            return filter.Values.some((value) =>
              fields.some((field) => field.toLowerCase().startsWith(value.toLowerCase())),
            );
          });
        const all = [...secrets.values()].filter(matches).sort((a, b) => a.createdAt - b.createdAt);
        if (request.SortOrder === 'desc') all.reverse();
        const start =
          request.NextToken === undefined
            ? 0
            : Number(Buffer.from(request.NextToken, 'base64url').toString());
        if (!Number.isInteger(start) || start < 0)
          throw refusal(source, 'InvalidNextTokenException', 'The NextToken value is invalid.');
        const size = request.MaxResults ?? 100;
        const page = all.slice(start, start + size);
        return ok({
          SecretList: page.map((secret) => ({
            ...description(secret),
            SecretVersionsToStages: versionIdsToStages(secret),
          })),
          NextToken:
            start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : undefined,
        });
      }
      case 'DeleteSecret': {
        const request = input as Input<'DeleteSecret'>;
        const secret = find(request.SecretId);
        if (request.ForceDeleteWithoutRecovery === true && request.RecoveryWindowInDays !== undefined) {
          throw refusal(
            source,
            'InvalidParameterException',
            "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
          );
        }
        const deletionDate =
          request.ForceDeleteWithoutRecovery === true
            ? nowSeconds()
            : nowSeconds() + (request.RecoveryWindowInDays ?? 30) * 86_400;
        if (request.ForceDeleteWithoutRecovery === true) secrets.delete(secret.name);
        else secret.deletionDate = deletionDate;
        persist();
        return ok({ ARN: secret.arn, Name: secret.name, DeletionDate: deletionDate });
      }
    }
  };

  return {
    name: 'secretsmanager',
    targetPrefixes: ['secretsmanager'],
    contentType: 'application/x-amz-json-1.1',
    async call(operation, raw) {
      if (!(operation in inputs)) {
        throw refusal(source, 'UnknownOperationException', `${operation} is not emulated locally`);
      }
      const parsed = inputs[operation as Operation].safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw refusal(
          source,
          'InvalidParameterException',
          `Invalid parameter ${issue?.path.join('.')}: ${issue?.message}`,
        );
      }
      return run(operation as Operation, parsed.data);
    },
    ensureSecret(name, text) {
      if (secrets.has(name)) return;
      const now = nowSeconds();
      secrets.set(name, {
        name,
        arn: arnFor(name),
        description: text,
        createdAt: now,
        changedAt: now,
        tags: [],
        versions: [],
      });
      persist();
    },
    close() {
      journal?.close();
    },
  };
}
