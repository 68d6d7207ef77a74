// Stack traces of a bundle (shared/lambda/source-mapped-stack-traces.ts, first module of every file
// infra/cdk/split-bundle.ts writes): without --enable-source-maps they read exactly as Node's own
// source-mapped ones do with it, frame by frame, across files and through a dependency's frames.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/cdk/build-app.ts';
import { esmRequireBanner, splitBuildOptions, stackTracesFile } from '../../infra/cdk/esbuild-options.ts';
import { trimSourceMap } from '../../infra/cdk/trim-source-map.ts';

const entry = join(projectRoot, 'test/unit/fixtures/stack-trace-entry.ts');
const work = mkdtempSync(join(tmpdir(), 'apsync-stack-traces-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Each error's stack the bundle's handler throws, with the bundle's directory written as <bundle>. */
function stacksOf(directory: string, nodeOptions: string[]): string {
  const probe = `
    const { handler } = await import(process.argv[1]);
    for (const where of ['here', 'elsewhere']) {
      try { await handler({ where }, {}); } catch (error) { console.log(error.stack); }
    }`;
  const output = execFileSync(
    process.execPath,
    [...nodeOptions, '--input-type=module', '-e', probe, pathToFileURL(join(directory, 'index.mjs')).href],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
  );
  return output.replaceAll(pathToFileURL(directory).href, '<bundle>').replaceAll(directory, '<bundle>');
}

describe('source-mapped stack traces', () => {
  it("write each frame as Node's --enable-source-maps does, reading the maps only on demand", async () => {
    // As deployed: the bundling's own step.
    const deployed = join(work, 'deployed');
    mkdirSync(deployed);
    execFileSync(process.execPath, [join(projectRoot, 'infra/cdk/split-bundle.ts'), entry, deployed]);
    expect(readdirSync(deployed)).toContain(stackTracesFile);

    // The same bundle without the module (a comment in its place keeps every position), for Node to map.
    const nodeMapped = join(work, 'node-mapped');
    await build({ ...splitBuildOptions(entry, nodeMapped), banner: { js: `${esmRequireBanner}\n//` } });
    for (const file of readdirSync(nodeMapped).filter((name) => name.endsWith('.mjs.map'))) {
      const path = join(nodeMapped, file);
      writeFileSync(path, JSON.stringify(trimSourceMap(JSON.parse(readFileSync(path, 'utf8')))));
    }

    const ours = stacksOf(deployed, []);
    const node = stacksOf(nodeMapped, ['--enable-source-maps']);
    expect(ours).toBe(node);
    // Mapped to our sources' files, lines and columns (the names are the minified ones where Node's are).
    expect(ours).toMatch(
      /^Error: refused: here\n {4}at new \w+ \(\/.*test\/unit\/fixtures\/stack-trace-entry\.ts:8:11\)$/m,
    );
    expect(ours).toMatch(/ at \w+ \(\/.*test\/unit\/fixtures\/stack-trace-entry\.ts:14:10\)$/m);
    expect(ours).toMatch(
      /^TypeError: failed elsewhere\n {4}at <anonymous> \(\/.*\/stack-trace-elsewhere\.ts:5:11\)$/m,
    );
    expect(ours).toMatch(/ at \w+ \(\/.*test\/unit\/fixtures\/stack-trace-elsewhere\.ts:6:3\)$/m);
    // A dependency's frames keep the bundle's position (its sources are trimmed from the map).
    expect(ours).toMatch(/\(<bundle>\/index\.mjs:\d+:\d+\)/);
    // Without the module, the deployed bundle's frames would name the minified code.
    expect(stacksOf(nodeMapped, [])).not.toContain('stack-trace-entry.ts');
  });
});
