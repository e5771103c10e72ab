// `npm run demo`: the main job on an embedded default, with nothing to set up. It starts a
// demo service on 127.0.0.1 that answers 503 while it "starts" (about 1.5 s), then runs the
// bundled actions/health-check against it exactly as the runner would, and prints the log,
// the outputs and the job summary that GitHub would show.
// (A later release replaces this with the whole-pipeline rehearsal.)
import * as http from 'node:http';
import { runAction } from '../testkit/local-runner.mjs';

const startedAt = Date.now();
const server = http.createServer((req, res) => {
  const up = Date.now() - startedAt > 1500;
  res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify(
      up ? { status: 'ok', revision: 'demo-00001-abc', commit: '3f2a9c8' } : { status: 'starting' },
    ),
  );
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

console.log(`demo service: ${url} (healthy after ~1.5 s)\n`);
const result = await runAction({
  stage: 'health-check',
  inputs: { url, expect: '{"status": "ok"}', timeout: '30s' },
});
server.close();

console.log('--- step log ---');
console.log(result.log.trimEnd());
console.log('\n--- outputs ---');
for (const [name, value] of Object.entries(result.outputs)) console.log(`${name}=${value}`);
console.log('\n--- job summary ---');
console.log(result.summary.trimEnd());
console.log(`\nexit code ${result.code}`);
result.cleanup();
process.exit(result.code ?? 1);
