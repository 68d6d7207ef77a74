// `<data dir>/local.json`: what a running local stack (`npm start`, infra/local/main.ts) publishes so
// that the operator CLI and any AWS client (the AWS CLI included) can reach it — every endpoint and
// resource name. Written by main.ts when the stack is ready, marked stopped on exit; read by the CLI.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import * as z from 'zod';
import { paymentModeSchema } from '../../shared/payment-mode.ts';

export const manifestFileName = 'local.json';
export const defaultDataDirName = '.apsync';

const url = z.url({ protocol: /^https?$/ });
const queueEntrySchema = z
  .object({ name: z.string(), url, deadLetterQueueName: z.string(), deadLetterQueueUrl: url })
  .strict();
const sandboxEntrySchema = z.object({ url, adminUrl: url }).strict();

export const localManifestSchema = z
  .object({
    version: z.literal(1),
    state: z.enum(['running', 'stopped']),
    pid: z.number().int().positive(),
    startedAt: z.iso.datetime(),
    stoppedAt: z.iso.datetime().optional(),
    dataDir: z.string(),
    ephemeral: z.boolean(),
    region: z.string(),
    /** The emulators accept any key; these are what the stack's own functions use. */
    credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }).strict(),
    api: z.object({ url, webhookUrl: url }).strict(),
    /** Loopback control endpoint of main.ts (`sync now`, scheduler state); Bearer token below. */
    control: z.object({ url, token: z.string().min(16) }).strict(),
    /** The operator console on loopback (infra/local/console.ts): open the URL, sign in with the token. */
    console: z
      .object({ url, token: z.string().min(16) })
      .strict()
      .optional(),
    aws: z.object({ dynamodb: url, sqs: url, secretsManager: url }).strict(),
    tables: z.object({ state: z.string(), idempotency: z.string() }).strict(),
    queues: z
      .object({ inbound: queueEntrySchema, bill: queueEntrySchema, payment: queueEntrySchema })
      .strict(),
    secrets: z.object({ netsuite: z.string(), procurify: z.string(), webhook: z.string() }).strict(),
    /** Which service each side talks to: the bundled sandbox, or the real one at that URL. */
    services: z
      .object({
        netsuite: z.object({ mode: z.enum(['sandbox', 'real']), url }).strict(),
        procurify: z.object({ mode: z.enum(['sandbox', 'real']), url }).strict(),
      })
      .strict(),
    /** The sandboxes (admin API under adminUrl); a sandbox replaced by a real service is absent. */
    sandboxes: z
      .object({ netsuite: sandboxEntrySchema.optional(), procurify: sandboxEntrySchema.optional() })
      .strict(),
    demo: z.boolean(),
    /** Seconds between scheduled runs per schedule key (0 = on demand only). */
    schedules: z.record(z.string(), z.number().min(0)),
    functions: z.array(z.string()),
    /** Settings (APSYNC_* variables of shared/resources.ts settingNames) the functions run with. */
    settings: z.record(z.string(), z.string()),
    defaultPaymentMode: paymentModeSchema,
    /** Environment for any AWS SDK or the AWS CLI: region, dummy keys, AWS_ENDPOINT_URL_*. */
    awsEnv: z.record(z.string(), z.string()),
  })
  .strict();

export type LocalManifest = z.infer<typeof localManifestSchema>;

/**
 * The data directory: `--data-dir`, else `APSYNC_HOME`, else `.apsync` in the project directory — the
 * nearest one up from the working directory holding a package.json (where `npm start` runs, from any
 * subfolder), or the working directory when there is none. So `npx apsync` from a subfolder finds the
 * stack `npm start` started.
 */
export function resolveDataDir(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
  exists: (path: string) => boolean = existsSync,
): string {
  const chosen =
    option ?? (env.APSYNC_HOME === undefined || env.APSYNC_HOME === '' ? undefined : env.APSYNC_HOME);
  if (chosen !== undefined) return resolve(cwd, chosen);
  return join(projectDir(resolve(cwd), exists) ?? resolve(cwd), defaultDataDirName);
}

function projectDir(from: string, exists: (path: string) => boolean): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (exists(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** How a data directory is named in messages: relative to the working directory when inside it. */
export function displayDataDir(dataDir: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, dataDir);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? dataDir : rel;
  return shown.endsWith(sep) ? shown : `${shown}${sep}`;
}

export const manifestPath = (dataDir: string): string => join(dataDir, manifestFileName);

export const newControlToken = (): string => randomBytes(24).toString('base64url');

/** Writes local.json atomically (write + rename), readable by its owner only (it holds the control token). */
export async function writeManifest(dataDir: string, manifest: LocalManifest): Promise<void> {
  const valid = localManifestSchema.parse(manifest);
  await mkdir(dataDir, { recursive: true });
  const path = manifestPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

export type ManifestReading =
  | { found: 'running'; manifest: LocalManifest }
  | { found: 'stopped'; manifest: LocalManifest }
  | { found: 'none' }
  | { found: 'invalid'; problem: string };

/**
 * Reads local.json. A manifest that says running but whose process is gone (killed without cleanup)
 * reads as stopped.
 */
export async function readManifest(dataDir: string): Promise<ManifestReading> {
  let text: string;
  try {
    text = await readFile(manifestPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { found: 'none' };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { found: 'invalid', problem: 'not JSON' };
  }
  const parsed = localManifestSchema.safeParse(json);
  if (!parsed.success) {
    const problem = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    return { found: 'invalid', problem };
  }
  const manifest = parsed.data;
  if (manifest.state === 'running' && !processAlive(manifest.pid)) return { found: 'stopped', manifest };
  return { found: manifest.state, manifest };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
