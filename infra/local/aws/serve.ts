// Runs the local AWS emulators on their own: `npx node infra/local/aws/serve.ts [--data-dir DIR]
// [--prefix P]`. Prints one JSON line (endpoints and env) once ready and stops on SIGINT/SIGTERM. For
// pointing the AWS CLI or a debugger at local state, and for the crash test in test/integration.
import { parseArgs } from 'node:util';
import { startAwsEmulators } from './index.ts';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, prefix: { type: 'string' } },
});
const options: Parameters<typeof startAwsEmulators>[0] = {};
if (values['data-dir'] !== undefined) options.dataDir = values['data-dir'];
if (values.prefix !== undefined) options.prefix = values.prefix;

const emulators = await startAwsEmulators(options);
process.stdout.write(`${JSON.stringify({ endpoints: emulators.endpoints, env: emulators.env })}\n`);

const stop = () => {
  emulators.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
