#!/usr/bin/env node
// Launcher of the `apsync` operator CLI (package.json "bin"; `npx apsync ...`): Node 24 runs the
// TypeScript sources directly (type stripping), so there is nothing to build. npm and npx put
// node_modules/.bin (the pinned Node 24) first on PATH, which the shebang then finds.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `apsync needs Node 22.18 or later (it runs TypeScript directly); this is ${process.version}. Run it with npx apsync.\n`,
  );
  process.exit(4);
}
const { runCli } = await import('../program.ts');
const code = await runCli(process.argv.slice(2));
process.exit(code);
