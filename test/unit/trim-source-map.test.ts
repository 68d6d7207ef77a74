// The bundles' source maps trimmed to apsync's own sources (infra/cdk/trim-source-map.ts): on a real
// esbuild bundle of our code and a dependency, every generated position in our code maps exactly as in
// the full map, and no position in the dependency's code maps at all.
import { SourceMap, type SourceMapPayload } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/cdk/build-app.ts';
import { isOwnSource, trimSourceMap } from '../../infra/cdk/trim-source-map.ts';

async function bundleWithMap(): Promise<{ code: string; map: Parameters<typeof trimSourceMap>[0] }> {
  const result = await build({
    stdin: {
      contents: [
        "import middy from '@middy/core';",
        "import { isDecimalString } from './shared/money/money.ts';",
        'export function boom(amount: string): never {',
        '  throw new Error(isDecimalString(amount) ? "amount " + amount : "not an amount");',
        '}',
        'export const handler = middy(async (event: { amount: string }) => boom(event.amount));',
      ].join('\n'),
      sourcefile: 'entry.ts',
      resolveDir: projectRoot,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    outfile: 'out/index.mjs',
    write: false,
    logLevel: 'silent',
  });
  const file = (suffix: string) => result.outputFiles.find((output) => output.path.endsWith(suffix))!.text;
  return { code: file('index.mjs'), map: JSON.parse(file('index.mjs.map')) };
}

const payload = (map: Parameters<typeof trimSourceMap>[0]) =>
  ({ file: 'index.mjs', sourceRoot: '', sourcesContent: [], ...map }) as SourceMapPayload;

describe('trimSourceMap', () => {
  it("keeps our sources' mappings exactly and unmaps the dependencies'", async () => {
    const { code, map } = await bundleWithMap();
    const trimmed = trimSourceMap(map);
    expect(map.sources.some((source) => source.includes('node_modules/@middy/core'))).toBe(true);
    expect(trimmed.sources).toEqual(map.sources.filter(isOwnSource));
    expect(trimmed.sources.some((source) => source.endsWith('shared/money/money.ts'))).toBe(true);
    expect(trimmed.mappings.length).toBeLessThan(map.mappings.length);

    const full = new SourceMap(payload(map));
    const kept = new SourceMap(payload(trimmed));
    let ours = 0;
    let theirs = 0;
    const lines = code.split('\n');
    for (const [line, text] of lines.entries()) {
      for (let column = 0; column < text.length; column += 1) {
        const before = full.findEntry(line, column) as Partial<{ originalSource: string }>;
        const after = kept.findEntry(line, column);
        if (before.originalSource?.includes('node_modules/')) {
          theirs += 1;
          expect(after).toEqual({});
        } else {
          if (before.originalSource !== undefined) ours += 1;
          expect(after).toEqual(before);
        }
      }
    }
    expect(ours).toBeGreaterThan(100);
    expect(theirs).toBeGreaterThan(100);
  });

  it('tells our sources from dependencies', () => {
    expect(isOwnSource('../../../work/main/shared/money/money.ts')).toBe(true);
    expect(isOwnSource('../../../work/main/node_modules/zod/v4/core/core.js')).toBe(false);
    expect(isOwnSource('node_modules/@middy/core/index.js')).toBe(false);
  });
});
