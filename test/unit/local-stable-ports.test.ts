// Local mode's port choice on a restart (infra/local/stable-ports.ts): the previous run's ports where
// free, a free port (and a named warning line) where one is taken, free ports with no previous run.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalManifest } from '../../infra/local/manifest.ts';
import { choosePorts, movedEndpoints, portIsFree } from '../../infra/local/stable-ports.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

/** A loopback listener on a free port, held until the test ends. */
async function holdPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  return (server.address() as { port: number }).port;
}

/** Only the endpoint fields stable-ports.ts reads; the rest of a manifest plays no part. */
function manifestWith(ports: Record<string, number>): LocalManifest {
  const at = (port: number) => `http://127.0.0.1:${port}`;
  return {
    api: { url: at(ports.api!), webhookUrl: `${at(ports.api!)}/netsuite/events` },
    sandboxes: {
      netsuite: { url: at(ports.netsuite!), adminUrl: `${at(ports.netsuite!)}/__admin` },
      procurify: { url: at(ports.procurify!), adminUrl: `${at(ports.procurify!)}/__admin` },
    },
    aws: { dynamodb: at(ports.dynamodb!), sqs: at(ports.sqs!), secretsManager: at(ports.secretsManager!) },
  } as unknown as LocalManifest;
}

describe('stable local-mode ports', () => {
  it('asks for free ports when there is no previous run (first start, --ephemeral)', async () => {
    expect(await choosePorts(undefined)).toEqual({
      api: 0,
      netsuite: 0,
      procurify: 0,
      dynamodb: 0,
      sqs: 0,
      secretsManager: 0,
    });
  });

  it("reuses the previous run's ports that are free and falls back to a free port for a taken one", async () => {
    const taken = await holdPort();
    const previous = {
      api: 41001,
      netsuite: taken,
      procurify: 41003,
      dynamodb: 41004,
      sqs: 41005,
      secretsManager: 41006,
    };
    const free = async (port: number) => port !== taken;
    const chosen = await choosePorts(manifestWith(previous), free);
    expect(chosen).toEqual({ ...previous, netsuite: 0 });
    // The real probe sees the held port as taken.
    expect(await portIsFree(taken)).toBe(false);
  });

  it('names every endpoint whose URL changed, with the old and the new URL', () => {
    const before = {
      api: 41001,
      netsuite: 41002,
      procurify: 41003,
      dynamodb: 41004,
      sqs: 41005,
      secretsManager: 41006,
    };
    expect(movedEndpoints(manifestWith(before), manifestWith(before))).toEqual([]);
    expect(movedEndpoints(undefined, manifestWith(before))).toEqual([]);
    expect(
      movedEndpoints(manifestWith(before), manifestWith({ ...before, netsuite: 45000, sqs: 45001 })),
    ).toEqual([
      'NetSuite sandbox: http://127.0.0.1:41002 → http://127.0.0.1:45000 (its previous port is taken)',
      'SQS: http://127.0.0.1:41005 → http://127.0.0.1:45001 (its previous port is taken)',
    ]);
  });
});
