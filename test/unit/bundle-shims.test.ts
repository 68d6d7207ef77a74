// The bundles' stand-in for the X-Ray SDK's `semver` (infra/cdk/bundle-shims/semver-gte.cjs): it answers
// gte as the semver package does, and it is what a bundle holds in place of the package, for the X-Ray
// SDK only.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/cdk/build-app.ts';
import { splitBuildOptions } from '../../infra/cdk/esbuild-options.ts';

const require = createRequire(import.meta.url);
const semver = require('semver') as { gte: (a: string, b: string) => boolean };
const shim = require('../../infra/cdk/bundle-shims/semver-gte.cjs') as typeof semver;

const versions = [
  '0.0.0',
  '0.0.1',
  '1.0.0',
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0+build.5',
  '2.7.15',
  '2.7.9',
  '2.10.0',
  '2.1692.0',
  'v24.21.0',
  '24.21.0',
  '8.0.0',
  '10.0.0-0',
  '10.0.0-1a',
];

describe('semver-gte shim', () => {
  it('answers gte as semver does for every pair of valid versions', () => {
    for (const a of versions) {
      for (const b of versions) expect([a, b, shim.gte(a, b)]).toEqual([a, b, semver.gte(a, b)]);
    }
  });

  it('throws semver’s TypeError for an invalid version', () => {
    for (const invalid of ['2.7', 'latest', '1.0.0-01', undefined]) {
      expect(() => semver.gte(invalid as string, '1.0.0')).toThrow(TypeError);
      expect(() => shim.gte(invalid as string, '1.0.0')).toThrow(`Invalid Version: ${invalid}`);
    }
  });

  it('stands in for the X-Ray SDK’s semver in a bundle, and for no other package’s', async () => {
    const inputsOf = async (contents: string) => {
      const result = await build({
        ...splitBuildOptions('entry.ts', 'out'),
        entryPoints: undefined,
        stdin: { contents, resolveDir: projectRoot, sourcefile: 'entry.ts', loader: 'ts' },
        write: false,
        metafile: true,
      });
      const inputs = Object.keys(result.metafile.inputs);
      return {
        shim: inputs.some((input) => input.endsWith(join('infra', 'cdk', 'bundle-shims', 'semver-gte.cjs'))),
        semver: inputs.some((input) => input.includes('node_modules/semver/')),
      };
    };
    expect(await inputsOf("import 'aws-xray-sdk-core';")).toEqual({ shim: true, semver: false });
    expect(await inputsOf("export { valid } from 'semver';")).toEqual({ shim: false, semver: true });
  });
});
