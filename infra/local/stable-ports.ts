// Stable local-mode ports: a restart on the same data directory listens where the previous run did
// (its `local.json`, manifest.ts), so URLs a user copied keep working. A port now taken falls back to a
// free one, and `movedEndpoints` names every URL that changed so main.ts can say so loudly.
import { createServer } from 'node:net';
import type { LocalManifest } from './manifest.ts';

/** The listeners whose URLs a user sees in the banner and copies. */
export type StablePortName = 'api' | 'netsuite' | 'procurify' | 'dynamodb' | 'sqs' | 'secretsManager';

export type StablePorts = Record<StablePortName, number>;

const labels: Record<StablePortName, string> = {
  api: 'webhook API',
  netsuite: 'NetSuite sandbox',
  procurify: 'Procurify sandbox',
  dynamodb: 'DynamoDB',
  sqs: 'SQS',
  secretsManager: 'Secrets Manager',
};

/** Each endpoint's URL in a manifest (an absent sandbox has none). */
export function endpointUrls(manifest: LocalManifest): Partial<Record<StablePortName, string>> {
  return {
    api: manifest.api.url,
    ...(manifest.sandboxes.netsuite === undefined ? {} : { netsuite: manifest.sandboxes.netsuite.url }),
    ...(manifest.sandboxes.procurify === undefined ? {} : { procurify: manifest.sandboxes.procurify.url }),
    dynamodb: manifest.aws.dynamodb,
    sqs: manifest.aws.sqs,
    secretsManager: manifest.aws.secretsManager,
  };
}

/**
 * The ports to ask for: the previous run's where still free, else 0 (a free port). Without a previous
 * manifest every port is 0. `isFree` is injected so the choice can be tested without real listeners.
 */
export async function choosePorts(
  previous: LocalManifest | undefined,
  isFree: (port: number) => Promise<boolean> = portIsFree,
): Promise<StablePorts> {
  const urls = previous === undefined ? {} : endpointUrls(previous);
  const chosen = {} as StablePorts;
  for (const name of Object.keys(labels) as StablePortName[]) {
    const url = urls[name];
    const port = url === undefined ? 0 : Number(new URL(url).port);
    chosen[name] = port > 0 && (await isFree(port)) ? port : 0;
  }
  return chosen;
}

/** One line per endpoint whose URL differs from the previous run's: `<what>: <old> → <new>`. */
export function movedEndpoints(previous: LocalManifest | undefined, current: LocalManifest): string[] {
  if (previous === undefined) return [];
  const before = endpointUrls(previous);
  const after = endpointUrls(current);
  const moved: string[] = [];
  for (const name of Object.keys(labels) as StablePortName[]) {
    const old = before[name];
    const now = after[name];
    if (old !== undefined && now !== undefined && old !== now) {
      moved.push(`${labels[name]}: ${old} → ${now} (its previous port is taken)`);
    }
  }
  return moved;
}

/** Whether a loopback listener can bind the port now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
